#!/usr/bin/env node
// Peer side of provisio's TUF interop tests.
//
//   node interop.js serve DIR PORT_FILE
//       Serves DIR as static files on 127.0.0.1:<ephemeral>; writes the port
//       to PORT_FILE; runs until killed.
//   node interop.js client REPO_DIR TARGET_NAME EXPECTED_FILE WORK_DIR
//       Serves REPO_DIR (metadata/ and targets/), trusts
//       REPO_DIR/metadata/1.root.json, and runs the tuf-js Updater: refresh,
//       find TARGET_NAME, download it, compare with EXPECTED_FILE.
//   node interop.js build-repo OUT_DIR KEY_TYPE
//       Builds and signs a consistent-snapshot repository with @tufjs/models
//       (KEY_TYPE ed25519 | ecdsa | rsa) holding target "fw/image.bin" with
//       custom metadata whose keys sort differently in UTF-16 and code point
//       order. Writes OUT_DIR/metadata, OUT_DIR/targets, OUT_DIR/expected.bin.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { canonicalize } = require('@tufjs/canonical-json');
const { Key, Metadata, MetaFile, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } =
  require('@tufjs/models');
const { Updater } = require('tuf-js');

function startServer(dir) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch (e) {
      res.writeHead(400).end();
      return;
    }
    const file = path.resolve(dir, '.' + rel);
    if (!file.startsWith(path.resolve(dir) + path.sep)) {
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
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function runClient(repoDir, targetName, expectedFile, workDir) {
  const server = await startServer(repoDir);
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const metadataDir = path.join(workDir, 'metadata');
    const targetDir = path.join(workDir, 'targets');
    fs.mkdirSync(metadataDir, { recursive: true });
    fs.mkdirSync(targetDir, { recursive: true });
    fs.copyFileSync(path.join(repoDir, 'metadata', '1.root.json'), path.join(metadataDir, 'root.json'));
    const updater = new Updater({
      metadataDir,
      metadataBaseUrl: `${base}/metadata`,
      targetDir,
      targetBaseUrl: `${base}/targets`,
    });
    await updater.refresh();
    const info = await updater.getTargetInfo(targetName);
    if (!info) {
      throw new Error(`tuf-js found no target ${targetName}`);
    }
    const file = await updater.downloadTarget(info);
    const got = fs.readFileSync(file);
    const want = fs.readFileSync(expectedFile);
    if (!got.equals(want)) {
      throw new Error('downloaded target differs from the expected bytes');
    }
    console.log(`tuf-js: refreshed and downloaded ${targetName} (${got.length} bytes)`);
  } finally {
    server.close();
  }
}

function newSigner(keyType) {
  let pair;
  let keyTypeName;
  let scheme;
  let publicValue;
  if (keyType === 'ed25519') {
    pair = crypto.generateKeyPairSync('ed25519');
    const der = pair.publicKey.export({ format: 'der', type: 'spki' });
    publicValue = der.subarray(der.length - 32).toString('hex');
    keyTypeName = 'ed25519';
    scheme = 'ed25519';
  } else if (keyType === 'ecdsa') {
    pair = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    publicValue = pair.publicKey.export({ format: 'pem', type: 'spki' });
    keyTypeName = 'ecdsa';
    scheme = 'ecdsa-sha2-nistp256';
  } else if (keyType === 'rsa') {
    pair = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 });
    publicValue = pair.publicKey.export({ format: 'pem', type: 'spki' });
    keyTypeName = 'rsa';
    scheme = 'rsassa-pss-sha256';
  } else {
    throw new Error(`unknown key type ${keyType}`);
  }
  const keyJson = { keytype: keyTypeName, keyval: { public: publicValue }, scheme };
  const keyID = crypto.createHash('sha256').update(canonicalize(keyJson)).digest('hex');
  const key = new Key({ keyID, keyType: keyTypeName, scheme, keyVal: { public: publicValue } });
  const sign = (data) => {
    let sig;
    if (keyType === 'ed25519') {
      sig = crypto.sign(null, data, pair.privateKey);
    } else if (keyType === 'ecdsa') {
      sig = crypto.sign('sha256', data, pair.privateKey);
    } else {
      sig = crypto.sign('sha256', data, {
        key: pair.privateKey,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    }
    return new Signature({ keyID, sig: sig.toString('hex') });
  };
  return { key, sign };
}

function buildRepo(outDir, keyType) {
  const metadataDir = path.join(outDir, 'metadata');
  const targetsDir = path.join(outDir, 'targets', 'fw');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetsDir, { recursive: true });
  const expires = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const signers = {};
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
    signers[role] = newSigner(keyType);
  }
  const root = new Root({ version: 1, expires, consistentSnapshot: true });
  for (const role of Object.keys(signers)) {
    root.addKey(signers[role].key, role);
  }

  const content = Buffer.from(`firmware image for ${keyType} interop\n`);
  const sha256 = crypto.createHash('sha256').update(content).digest('hex');
  const sha512 = crypto.createHash('sha512').update(content).digest('hex');
  // Keys whose order differs between UTF-16 (tuf-js) and code point
  // (specification) sorting: U+FF5E sorts after U+1F600 by code point, but
  // before it in UTF-16 (0xD83D is a high surrogate < 0xFF5E).
  const custom = {
    hardware_id: 'router-a',
    version: '2.1.0',
    security_version: 7,
    notes: { '\u{1F600}smile': 'non-BMP', '\uFF5Ewave': 'BMP high' },
  };
  const targets = new Targets({ version: 1, expires });
  targets.addTarget(new TargetFile({
    path: 'fw/image.bin',
    length: content.length,
    hashes: { sha256, sha512 },
    unrecognizedFields: { custom },
  }));
  fs.writeFileSync(path.join(targetsDir, `${sha256}.image.bin`), content);
  fs.writeFileSync(path.join(targetsDir, `${sha512}.image.bin`), content);
  fs.writeFileSync(path.join(outDir, 'expected.bin'), content);

  const write = (name, signed, role) => {
    const md = new Metadata(signed);
    md.sign(signers[role].sign);
    const bytes = Buffer.from(JSON.stringify(md.toJSON(), null, 1));
    fs.writeFileSync(path.join(metadataDir, name), bytes);
    return bytes;
  };
  write('1.root.json', root, 'root');
  fs.copyFileSync(path.join(metadataDir, '1.root.json'), path.join(metadataDir, 'root.json'));
  const targetsBytes = write('1.targets.json', targets, 'targets');
  const snapshot = new Snapshot({
    version: 1,
    expires,
    meta: { 'targets.json': new MetaFile({ version: 1, length: targetsBytes.length }) },
  });
  const snapshotBytes = write('1.snapshot.json', snapshot, 'snapshot');
  const timestamp = new Timestamp({
    version: 1,
    expires,
    snapshotMeta: new MetaFile({
      version: 1,
      length: snapshotBytes.length,
      hashes: { sha256: crypto.createHash('sha256').update(snapshotBytes).digest('hex') },
    }),
  });
  write('timestamp.json', timestamp, 'timestamp');
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'serve') {
    const server = await startServer(args[0]);
    fs.writeFileSync(args[1], String(server.address().port));
    return;
  }
  if (mode === 'client') {
    await runClient(args[0], args[1], args[2], args[3]);
    return;
  }
  if (mode === 'build-repo') {
    buildRepo(args[0], args[1]);
    return;
  }
  throw new Error('usage: interop.js serve|client|build-repo ...');
}

main().catch((err) => {
  console.error(`interop.js: ${err.stack || err}`);
  process.exit(1);
});
