#!/usr/bin/env -S node --initial-old-space-size=128
// Entry point of the `chainwire` command. The shebang passes
// NODE_V8_FLAGS (src/config/constants.ts: a node moving large messages
// otherwise spends a quarter of its time in full GCs); `node bin/chainwire.js`
// runs without them. chainwire needs Node.js >= 22
// (js-libp2p v3 uses Promise.withResolvers); inside the repository,
// `npx chainwire` and the npm scripts run on the node@24 devDependency.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`chainwire needs Node.js >= 22, this is ${process.version}.\n` +
    'Inside the repository run it as `npx chainwire ...` (it uses the node@24 devDependency).\n')
  process.exit(1)
}
const { fileURLToPath } = await import('node:url')
const { existsSync } = await import('node:fs')
const here = fileURLToPath(new URL('.', import.meta.url))
// In a checkout Node runs the TypeScript sources directly; an installed
// package (inside node_modules, where Node does not strip types) runs dist/.
const fromSource = !here.includes('/node_modules/') && existsSync(new URL('../src/cli/main.ts', import.meta.url))
const entry = fromSource ? '../src/cli/main.ts' : '../dist/src/cli/main.js'
const { main } = await import(entry)
await main(process.argv.slice(2))
