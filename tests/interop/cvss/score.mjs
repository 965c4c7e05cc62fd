// Scores CVSS vectors read from stdin (one per line) with ae-cvss-calculator
// and prints one tab-separated line per vector:
//   v3.1: vector  base  temporal|-  environmental|-
//   v4.0: vector  score
//   either, when the library rejects the vector: vector  ERROR  message
// Scores are printed with one decimal; "-" means the library reports no such
// score for this vector.
import { createInterface } from 'node:readline'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Cvss3P1, Cvss4P0 } = require('ae-cvss-calculator')

const oneDecimal = (value) => (value === undefined || value === null ? '-' : Number(value).toFixed(1))

for await (const line of createInterface({ input: process.stdin })) {
  const vector = line.trim()
  if (vector === '') continue
  try {
    if (vector.startsWith('CVSS:3.1/')) {
      const s = new Cvss3P1(vector).calculateScores()
      console.log([vector, oneDecimal(s.base), oneDecimal(s.temporal), oneDecimal(s.environmental)].join('\t'))
    } else if (vector.startsWith('CVSS:4.0/')) {
      const s = new Cvss4P0(vector).calculateScores()
      console.log([vector, oneDecimal(s.overall)].join('\t'))
    } else {
      throw new Error('unsupported version')
    }
  } catch (error) {
    console.log([vector, 'ERROR', String(error.message)].join('\t'))
  }
}
