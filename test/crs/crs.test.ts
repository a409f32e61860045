import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { CrsError } from '../../engine/errors.js';
import { chooseWorkingCrs, lookupEpsg, parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';

describe('chooseWorkingCrs', () => {
  // Data centres and the legal plane zone of their prefecture (国土交通省告示第九号).
  const cases: [string, number, number, number][] = [
    ['Tamana, Kumamoto (II)', 130.568, 32.937, 6670],
    ['Osaka (VI)', 135.43, 34.65, 6674],
    ['Yokosuka, Kanagawa (IX)', 139.67, 35.28, 6677],
    ['Shimokawa, Hokkaido (XII)', 142.63, 44.3, 6680],
    ['Sapporo (XII)', 141.35, 43.06, 6680],
    ['Hakodate (XI)', 140.73, 41.77, 6679],
    ['Kushiro (XIII)', 144.38, 42.98, 6681],
    ['Sendai, Miyagi (X)', 140.87, 38.27, 6678],
    ['Nagoya, Aichi (VII)', 136.9, 35.18, 6675],
    ['Hiroshima (III)', 132.46, 34.39, 6671],
    ['Nagasaki (I)', 129.87, 32.75, 6669],
    ['Naha, Okinawa (XV)', 127.68, 26.21, 6683],
    ['Ishigaki (XVI)', 124.16, 24.34, 6684],
  ];
  for (const [name, lon, lat, epsg] of cases) {
    it(`picks EPSG:${epsg} for ${name}`, () => {
      const c = chooseWorkingCrs([lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01]);
      expect(c.code).toBe(`EPSG:${epsg}`);
      expect(c.reason).toMatch(/zone/);
    });
  }
  it('uses UTM outside Japan (Helsinki 35N, Heidelberg 32N, Sydney 56S)', () => {
    expect(chooseWorkingCrs([24.9, 60.15, 24.96, 60.18]).code).toBe('EPSG:32635');
    expect(chooseWorkingCrs([8.6, 49.38, 8.75, 49.43]).code).toBe('EPSG:32632');
    expect(chooseWorkingCrs([151.1, -33.9, 151.3, -33.8]).code).toBe('EPSG:32756');
  });
  it('rejects an extent that is not finite', () => {
    expect(() => chooseWorkingCrs([NaN, 0, 1, 1])).toThrow(CrsError);
  });
});

describe('parseCrs', () => {
  it('understands EPSG codes and GML srsName forms', () => {
    expect(parseCrs('EPSG:6697').latFirst).toBe(true);
    expect(parseCrs('http://www.opengis.net/def/crs/EPSG/0/6697').code).toBe('EPSG:6697');
    expect(parseCrs('urn:ogc:def:crs:EPSG::6677').code).toBe('EPSG:6677');
    expect(parseCrs('4326').code).toBe('EPSG:4326');
  });
  it('maps ESRI .prj names of JGD2011 plane zones to EPSG codes', () => {
    const wkt =
      'PROJCS["JGD_2011_Japan_Zone_9",GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],' +
      'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",0.0],' +
      'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",139.8333333333333],PARAMETER["Scale_Factor",0.9999],' +
      'PARAMETER["Latitude_Of_Origin",36.0],UNIT["Meter",1.0]]';
    expect(parseCrs(wkt).code).toBe('EPSG:6677');
  });
  it('falls back to proj4 for other WKT', () => {
    const wkt = 'PROJCS["Custom_TM",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    const c = parseCrs(wkt);
    const [x] = transformer(WGS84, c).forward(9, 49);
    expect(x).toBeCloseTo(500000, 0);
  });
  it('names the unknown code', () => {
    expect(() => parseCrs('EPSG:99999')).toThrow(/EPSG:99999/);
    expect(() => parseCrs('nonsense')).toThrow(CrsError);
  });
});

describe('JGD2011 plane zone definitions', () => {
  it('put the zone origin at 0,0 and agree with an independent tmerc definition', () => {
    const z9 = lookupEpsg(6677)!;
    const [x, y] = transformer(WGS84, z9).forward(139 + 50 / 60, 36);
    expect(Math.abs(x)).toBeLessThan(1e-6);
    expect(Math.abs(y)).toBeLessThan(1e-6);
    // a point 1° east of the origin: compare with proj4's own tmerc on GRS80 (independent string)
    const ref = proj4('+proj=longlat +ellps=GRS80 +no_defs', '+proj=tmerc +lat_0=36 +lon_0=139.8333333333333 +k=0.9999 +ellps=GRS80 +units=m +no_defs').forward([140.8333333333333, 36.5]);
    const got = transformer(WGS84, z9).forward(140.8333333333333, 36.5);
    expect(got[0]).toBeCloseTo(ref[0]!, 3);
    expect(got[1]).toBeCloseTo(ref[1]!, 3);
  });
});
