'use strict';
// bench/run-all.js runs <dir>/run.js: the contracts bench is validate.js.
require('./validate');
