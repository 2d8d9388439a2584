// Reads a JSON array of xAPI statements on stdin and prints, as JSON, the problems Learning
// Locker's validator finds in each (an empty list for a valid statement). Used by
// tests/h5p/test_h5p_xapi.py.
const validate = require('@learninglocker/xapi-validation').default;
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const problems = JSON.parse(input).map((statement) =>
    validate(statement).map((warning) => `${warning.path.join('.')}: ${warning.constructor.name}`));
  process.stdout.write(JSON.stringify(problems));
});
