// compatbuild verify's Node.js host, run by the runtime's own node:
//
//   node -e <this> PATH CALL CALLMODE
//
// It loads the N-API addon PATH with require() and calls CALL ("" for
// none) with no arguments (CALLMODE "int": its result must be a number).
// Progress goes to file descriptor 3 in the dlopen host's protocol
// (host.c), plus "libc VERSION" and "node VERSION napi N".
'use strict';
const fs = require('fs');
const [target, call, callmode] = process.argv.slice(1);
function report(...words) {
  const line = words.join(' ').replace(/[\r\n]/g, ' ') + '\n';
  try { fs.writeSync(3, line); } catch (e) { process.stderr.write(line); }
}
try {
  report('libc', process.report.getReport().header.glibcVersionRuntime);
} catch (e) {
  // Node.js before 12.17 has no process.report: nothing to say.
}
report('node', process.versions.node, 'napi', process.versions.napi);
let addon;
try {
  addon = require(target);
} catch (e) {
  report('dlopen-failed', e.message);
  process.exit(4);
}
report('loaded');
if (call) {
  if (typeof addon[call] !== 'function') {
    report('dlsym-failed', 'the addon exports no function ' + call);
    process.exit(5);
  }
  report('calling', call);
  const result = addon[call]();
  if (callmode === 'int') {
    if (typeof result === 'number' && Number.isInteger(result)) report('returned', result);
    else report('returned-other', String(result));
  }
}
report('ok');
