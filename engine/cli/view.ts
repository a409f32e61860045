/** `heatplan view DIR`: serve a run folder and the deck.gl viewer on 127.0.0.1 and print the address (engine/viewer/view.ts). */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('view')
    .description('serve a run folder in the deck.gl viewer on 127.0.0.1 and print its address')
    .argument('<dir>', 'run folder')
    .option('--port <n>', `port (default 5178, or the next free one; an explicit busy port is an error; 0 = any free port)`)
    .option('--no-open', 'do not open a browser')
    .option('--tiles <url|file>', 'optional base map: an XYZ tile URL template, e.g. GSI tiles (needs network access), or a local MBTiles file of raster tiles (served offline)')
    .option('--attribution <text>', 'attribution shown for --tiles (a local MBTiles file: from its metadata unless given)')
    .option('--rebuild', 'rebuild viewer/dist even if up to date')
    .action(async (dir: string, opts: Record<string, unknown>) => {
      const { runView } = await import('../viewer/view.js');
      const server = await runView(dir, opts);
      await new Promise<void>((ok) => {
        const stop = () => void server.close().then(ok);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
