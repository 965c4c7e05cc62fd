// usage: node cdx-validate.mjs <bom.json> [specVersion]  -- CycloneDX strict JSON schema validation.
import { readFileSync } from 'node:fs'
import { Validation } from '@cyclonedx/cyclonedx-library'

const [file, version = '1.6'] = process.argv.slice(2)
const errors = await new Validation.JsonStrictValidator(version).validate(readFileSync(file, 'utf8'))
if (errors === null) {
  console.log(`${file}: valid CycloneDX ${version}`)
  process.exit(0)
}
console.log(JSON.stringify(errors, null, 1))
process.exit(1)
