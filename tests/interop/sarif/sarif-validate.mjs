// usage: node sarif-validate.mjs <log.sarif>
// Runs `Sarif.Multitool validate` (JSON schema + SARIF rules) and fails when
// its own output log holds any result of level "error". The multitool exits
// 0 even then, so its log is read back.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const [file] = process.argv.slice(2)
const require = createRequire(import.meta.url)
const tool = join(dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')), 'Sarif.Multitool')
chmodSync(tool, 0o755) // npm >= 11 skips the package's postinstall chmod unless approved
const work = mkdtempSync(join(tmpdir(), 'sarif-'))
try {
  const out = join(work, 'validation.sarif')
  execFileSync(tool, ['validate', file, '--output', out, '--log', 'ForceOverwrite'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
  })
  const log = JSON.parse(readFileSync(out, 'utf8'))
  const results = log.runs.flatMap((run) => run.results ?? [])
  const errors = results.filter((r) => (r.level ?? 'warning') === 'error')
  for (const r of results) console.log(`${r.level ?? 'warning'} ${r.ruleId}: ${r.message?.text ?? (r.message?.arguments ?? []).join(' | ')}`)
  if (errors.length > 0) {
    console.log(`${file}: ${errors.length} SARIF validation error(s)`)
    process.exit(1)
  }
  console.log(`${file}: valid SARIF 2.1.0 (${results.length} warning/note result(s))`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
