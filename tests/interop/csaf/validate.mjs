// Validates CSAF 2.0 documents with @secvisogram/csaf-validator-lib: the strict
// JSON schema plus every mandatory test (6.1.x). Prints each error and
// warning with its test name and JSON path.
//
// usage: node validate.mjs FILE.json [FILE.json ...]
// exit:  0 all valid, 1 some document invalid, 2 usage or unreadable file
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
// basic = the strict schema (csaf_2_0_strict) and the mandatory tests 6.1.x.
import * as basic from '@secvisogram/csaf-validator-lib/basic.js'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node validate.mjs FILE.json [FILE.json ...]')
  process.exit(2)
}

const tests = Object.values(basic).filter(
  (t) => typeof t === 'function'
)
let allValid = true
for (const file of files) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    console.error(`${file}: cannot read: ${e.message}`)
    process.exit(2)
  }
  const result = await validateStrict(tests, doc)
  for (const t of result.tests) {
    for (const e of t.errors) console.log(`${file}: ERROR ${t.name} ${e.instancePath} ${e.message}`)
    for (const w of t.warnings) console.log(`${file}: WARNING ${t.name} ${w.instancePath} ${w.message}`)
  }
  const category = doc?.document?.category
  console.log(`${file}: ${category} tests=${result.tests.length} valid=${result.isValid}`)
  allValid = allValid && result.isValid
}
process.exit(allValid ? 0 : 1)
