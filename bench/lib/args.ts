/**
 * `--name value` pairs of a benchmark's command line, and the service URL.
 */
export function benchArgs(argv = process.argv) {
  const args = new Map<string, string>();
  for (let i = 2; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
  return {
    url: (args.get('url') ?? 'http://127.0.0.1:8778').replace(/\/$/, ''),
    number: (name: string, fallback: number) => Number(args.get(name) ?? fallback),
    get: (name: string) => args.get(name),
  };
}
