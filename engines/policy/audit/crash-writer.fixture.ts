// Crash-test writer: appends durable rows to the ledger in DIR as fast as it can and prints
// "ack N" after each commit returns, until it is killed.
import { writeSync } from 'node:fs';
import { ledgerFixture, sampleEntry } from './ledger.fixture.ts';

const { ledger } = ledgerFixture({ dir: process.argv[2], checkpointEveryRows: 7 });
writeSync(1, 'ready\n');
for (let i = 0; ; i++) {
  const row = ledger.append(sampleEntry(i), { durable: i % 2 === 0 });
  writeSync(1, `ack ${row.seq}\n`);
}
