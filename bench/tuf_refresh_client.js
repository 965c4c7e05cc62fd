#!/usr/bin/env node
// tuf-js side of the TUF refresh benchmark (bench/run_tuf_refresh.sh).
//
//   node tuf_refresh_client.js serve DIR PORT_FILE
//       Serves DIR as static files on 127.0.0.1:<ephemeral port>, writes the
//       port to PORT_FILE and runs until killed.
//   node tuf_refresh_client.js client METADATA_URL TARGET_URL ROOT_FILE WORK_DIR TARGET_NAME
//       Trusts ROOT_FILE, runs the tuf-js Updater against METADATA_URL into a
//       fresh WORK_DIR: refresh, look up TARGET_NAME (delegation search
//       included) and download it from TARGET_URL.
//
// Needs the tuf-js package of tests/interop/tuf (scripts/npm-setup); the
// runner sets NODE_PATH to its node_modules.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

function serve(dir, portFile) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch (e) {
      res.writeHead(400).end();
      return;
    }
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(data);
    });
  });
  server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
}

async function client(metadataUrl, targetUrl, rootFile, workDir, targetName) {
  const { Updater } = require('tuf-js');
  const metadataDir = path.join(workDir, 'metadata');
  const targetDir = path.join(workDir, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  fs.copyFileSync(rootFile, path.join(metadataDir, 'root.json'));
  const updater = new Updater({
    metadataDir,
    metadataBaseUrl: metadataUrl,
    targetDir,
    targetBaseUrl: targetUrl,
  });
  await updater.refresh();
  const info = await updater.getTargetInfo(targetName);
  if (!info) {
    throw new Error(`tuf-js found no target ${targetName}`);
  }
  const file = await updater.downloadTarget(info);
  console.log(`tuf-js: downloaded ${targetName} to ${file}`);
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'serve' && args.length === 2) {
    serve(args[0], args[1]);
    return;
  }
  if (mode === 'client' && args.length === 5) {
    await client(...args);
    return;
  }
  throw new Error('usage: tuf_refresh_client.js serve DIR PORT_FILE | client METADATA_URL ' +
                  'TARGET_URL ROOT_FILE WORK_DIR TARGET_NAME');
}

main().catch((err) => {
  console.error(`tuf_refresh_client.js: ${err.stack || err}`);
  process.exit(1);
});
