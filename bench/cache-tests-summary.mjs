// Summarises http-cache-tests results: node cache-tests-summary.mjs SUITE_DIR NAME=results.json ...
// Prints, per engine, required tests passed / total required and optional ("optimal") passed / total,
// counted as cache-tests.fyi counts them (a test whose dependency failed is not a pass), then the failing
// required test ids per engine. With SUMMARY_JSON=path it also writes the numbers as JSON.
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'

const [suiteDir, ...runs] = process.argv.slice(2)
const load = async (rel) => (await import(pathToFileURL(path.join(suiteDir, rel)).href)).default
const suites = await load('tests/index.mjs')
suites.push(await load('tests/surrogate-control.mjs'))
const display = await import(pathToFileURL(path.join(suiteDir, 'lib/display.mjs')).href)

const engines = runs.map(arg => {
  const [name, file] = arg.split('=')
  const results = JSON.parse(fs.readFileSync(file, 'utf8'))
  const counts = { required: 0, requiredPassed: 0, requiredNotApplicable: 0, optional: 0, optionalPassed: 0, failedRequired: [], notApplicableRequired: [] }
  for (const suite of suites) {
    for (const test of suite.tests) {
      if (test.browser_only) continue
      const kind = test.kind || 'required'
      if (kind === 'check') continue
      const symbol = display.determineTestResult(suites, test.id, results)
      const passed = symbol[2] === '✅'
      // a failed dependency or setup step (the cache did not store what the test builds on) is shown apart,
      // as cache-tests.fyi shows it: the strict share counts it as a failure, the other leaves it out
      const notApplicable = symbol[2] === '⚪️' || symbol[2] === '🔹'
      if (kind === 'required') {
        counts.required++
        if (passed) counts.requiredPassed++
        else if (notApplicable) { counts.requiredNotApplicable++; counts.notApplicableRequired.push(test.id) }
        else counts.failedRequired.push(test.id)
      } else {
        counts.optional++
        if (passed) counts.optionalPassed++
      }
    }
  }
  return { name, ...counts }
})

const pct = (a, b) => b === 0 ? '-' : (100 * a / b).toFixed(1) + '%'
console.log('engine'.padEnd(12) + 'required passed / all'.padEnd(26) + 'required passed / run'.padEnd(26) + 'optional passed')
for (const e of engines) {
  const run = e.required - e.requiredNotApplicable
  console.log(e.name.padEnd(12) + `${e.requiredPassed}/${e.required} (${pct(e.requiredPassed, e.required)})`.padEnd(26) +
    `${e.requiredPassed}/${run} (${pct(e.requiredPassed, run)})`.padEnd(26) +
    `${e.optionalPassed}/${e.optional} (${pct(e.optionalPassed, e.optional)})`)
}
for (const e of engines) {
  console.log(`\n${e.name}: failing required tests (${e.failedRequired.length}): ${e.failedRequired.join(' ')}`)
  console.log(`${e.name}: required tests not run, dependency or setup failed (${e.requiredNotApplicable}): ${e.notApplicableRequired.join(' ')}`)
}
if (process.env.SUMMARY_JSON) {
  fs.writeFileSync(process.env.SUMMARY_JSON, JSON.stringify(engines, null, 2))
}
