'use strict';
// Generates a contact CSV for the ingest benchmark: US/GB/IN/DE numbers in mixed formats, about 2%
// invalid and 1% duplicates, a name and three variable columns (~70 bytes a row).
// Usage: node bench/ingest/generate.js <out.csv> [rows=1000000] [seed=1]
const fs = require('node:fs');
const { isValidPhoneNumber } = require('libphonenumber-js/max');

/** mulberry32: a small seeded PRNG so every run generates the same file. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger'];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
];
const PLANS = ['gold', 'silver', 'bronze', 'trial'];
const digits = (random, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 10);
  return s;
};

/** A valid number (checked with libphonenumber) of one of four countries. */
function validNumber(random) {
  for (;;) {
    const candidate = candidateNumber(random);
    if (isValidPhoneNumber(candidate, 'US')) return candidate;
  }
}

/** A plausible number of one of four countries, in an international or national format. */
function candidateNumber(random) {
  const pick = random();
  if (pick < 0.4) {
    // US: area codes 201-989 minus N11, exchange 2xx-9xx
    const area = `${2 + Math.floor(random() * 8)}${Math.floor(random() * 10)}${2 + Math.floor(random() * 8)}`;
    const exchange = `${2 + Math.floor(random() * 8)}${digits(random, 2)}`;
    const line = digits(random, 4);
    return random() < 0.7 ? `+1${area}${exchange}${line}` : `(${area}) ${exchange}-${line}`;
  }
  if (pick < 0.6) return `+447${['4', '5', '7', '8', '9'][Math.floor(random() * 5)]}${digits(random, 8)}`; // GB mobile
  if (pick < 0.85) return `+91${['9', '8', '7'][Math.floor(random() * 3)]}${digits(random, 9)}`; // IN mobile
  return `+4915${['1', '2', '7'][Math.floor(random() * 3)]}${digits(random, 8)}`; // DE mobile
}

function invalidNumber(random) {
  const kinds = [() => digits(random, 5), () => `+1${digits(random, 4)}`, () => 'n/a', () => `+44${digits(random, 3)}`];
  return kinds[Math.floor(random() * kinds.length)]();
}

function generate(path, rows, seed = 1) {
  const random = rng(seed);
  const out = fs.openSync(path, 'w');
  const recent = [];
  let buffer = 'phone,name,email,customer_id,plan,note\n';
  let bytes = 0;
  for (let i = 1; i <= rows; i++) {
    const r = random();
    let phone;
    if (r < 0.02) phone = invalidNumber(random);
    else if (r < 0.03 && recent.length > 0) phone = recent[Math.floor(random() * recent.length)];
    else {
      phone = validNumber(random);
      if (recent.length < 1000) recent.push(phone);
      else recent[Math.floor(random() * 1000)] = phone;
    }
    const name = `${FIRST[Math.floor(random() * 10)]} ${LAST[Math.floor(random() * 10)]}`;
    const line = `${phone.includes(' ') ? `"${phone}"` : phone},${name},c${i}@example.com,cust-${i},${PLANS[i & 3]},row ${i}\n`;
    buffer += line;
    if (buffer.length > 1 << 20) {
      bytes += fs.writeSync(out, buffer);
      buffer = '';
    }
  }
  bytes += fs.writeSync(out, buffer);
  fs.closeSync(out);
  return bytes;
}

module.exports = { generate };

if (require.main === module) {
  const [path, rows = '1000000', seed = '1'] = process.argv.slice(2);
  if (!path) {
    console.error('usage: node bench/ingest/generate.js <out.csv> [rows] [seed]');
    process.exit(2);
  }
  const bytes = generate(path, Number(rows), Number(seed));
  console.log(JSON.stringify({ path, rows: Number(rows), bytes }));
}
