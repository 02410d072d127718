/**
 * A tiny DNS server over UDP on 127.0.0.1 for the self-check tests: it answers A, AAAA, NS, TXT
 * and CNAME from a table, like an authoritative server that does not chase CNAMEs out of its zone
 * (a CNAME is the whole answer for any other type). NXDOMAIN for unknown names, NODATA for known
 * names without the asked type. It can also fail every query (SERVFAIL) or stay silent (timeouts),
 * and it records what it was asked.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface RecordSet {
  A?: string[];
  AAAA?: string[];
  NS?: string[];
  TXT?: string[];
  CNAME?: string;
}

export interface TestDnsServer {
  readonly port: number;
  readonly address: string;
  /** `127.0.0.1:port`, for `Resolver.setServers`. */
  readonly endpoint: string;
  /** Names and types asked so far, e.g. `NS example.test`. */
  readonly queries: string[];
  records: Map<string, RecordSet>;
  mode: 'answer' | 'servfail' | 'silent';
  close(): Promise<void>;
}

const TYPES: Record<number, keyof RecordSet> = { 1: 'A', 28: 'AAAA', 2: 'NS', 16: 'TXT', 5: 'CNAME' };
const TYPE_CODES: Record<keyof RecordSet, number> = { A: 1, AAAA: 28, NS: 2, TXT: 16, CNAME: 5 };

export async function startDnsServer(records: Record<string, RecordSet> = {}, port = 0): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const server: TestDnsServer = {
    port: 0,
    address: '127.0.0.1',
    endpoint: '',
    queries: [],
    records: new Map(Object.entries(records).map(([name, set]) => [name.toLowerCase(), set])),
    mode: 'answer',
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (message, remote) => handle(server, socket, message, remote));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  const bound = socket.address().port;
  Object.assign(server, { port: bound, endpoint: `127.0.0.1:${bound}` });
  return server;
}

function handle(server: TestDnsServer, socket: Socket, message: Buffer, remote: RemoteInfo): void {
  if (message.length < 12) return;
  const { name, end } = readName(message, 12);
  const qtype = message.readUInt16BE(end);
  const questionEnd = end + 4;
  const typeName = TYPES[qtype] ?? `TYPE${qtype}`;
  server.queries.push(`${typeName} ${name}`);
  if (server.mode === 'silent') return;

  const set = server.records.get(name);
  let rcode = 0;
  const answers: Buffer[] = [];
  if (server.mode === 'servfail') rcode = 2;
  else if (set === undefined) rcode = 3;
  else if (set.CNAME !== undefined) answers.push(record(5, encodeName(set.CNAME)));
  else {
    const type = TYPES[qtype];
    const values = type === undefined || type === 'CNAME' ? [] : (set[type] ?? []);
    for (const value of values) answers.push(record(qtype, rdata(qtype, value)));
  }

  const header = Buffer.alloc(12);
  header.writeUInt16BE(message.readUInt16BE(0), 0); // id
  const rd = message.readUInt16BE(2) & 0x0100;
  header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080 | rcode, 2); // QR, AA, RD copied, RA, rcode
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  socket.send(Buffer.concat([header, message.subarray(12, questionEnd), ...answers]), remote.port, remote.address);
}

/** A record owned by the question name (compression pointer to offset 12), class IN, TTL 0. */
function record(type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0);
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4);
  fixed.writeUInt32BE(0, 6);
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

function rdata(type: number, value: string): Buffer {
  if (type === TYPE_CODES.A) return Buffer.from(value.split('.').map(Number));
  if (type === TYPE_CODES.NS) return encodeName(value);
  if (type === TYPE_CODES.TXT) {
    const bytes = Buffer.from(value, 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length || i === 0; i += 255) {
      const chunk = bytes.subarray(i, i + 255);
      chunks.push(Buffer.from([chunk.length]), chunk);
    }
    return Buffer.concat(chunks);
  }
  if (type === TYPE_CODES.AAAA) {
    if (value !== '::1') throw new Error('test DNS server: only ::1 is supported for AAAA');
    const bytes = Buffer.alloc(16);
    bytes[15] = 1;
    return bytes;
  }
  throw new Error(`test DNS server: cannot encode type ${type}`);
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((label) => label !== '');
  return Buffer.concat([...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
}

function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  for (;;) {
    const length = message.readUInt8(offset);
    offset += 1;
    if (length === 0) break;
    labels.push(message.subarray(offset, offset + length).toString('latin1'));
    offset += length;
  }
  return { name: labels.join('.').toLowerCase(), end: offset };
}
