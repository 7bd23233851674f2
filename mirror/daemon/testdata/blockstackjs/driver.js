// The original's client, blockstack.js 19.3.0, driven line by line by
// blockstackjs_test.go: each stdin line is a JSON request, each stdout line
// its answer ({"id", "result"} or {"id", "error"}).
//
//   {"op": "tx", "builder": "makePreorder", "args": [...]}
//       builds a transaction with bs.transactions[builder], broadcasts it
//       through the network's Bitcoin API and answers its txid;
//       makeNamespaceReveal takes a plain object for its namespace.
//   {"op": "read", "method": "getNameInfo", "args": [...]}
//       answers bs.config.network[method](...args) (big numbers as strings).
//
// The network is blockstack.js's own LocalRegtest (testnet addresses, a
// fixed fee rate) over the mirror's API. Its Bitcoin side is BtcdAPI below:
// a client-side limitation worked around here, not in the mirror —
// blockstack.js's BitcoindAPI sends JSON-RPC requests without an id (btcd
// treats those as notifications and sends no reply) and finds coins and
// confirmations with bitcoind wallet calls btcd does not have
// (importaddress, listunspent, gettransaction). BtcdAPI asks btcd's address
// index instead (searchrawtransactions, gettxout, getrawtransaction).
'use strict';
// stdout carries the answers only: the client's own logging goes to stderr
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...a) => console.error(...a);
const readline = require('readline');
const bs = require('blockstack');

const { API_URL, BTCD_URL, BTCD_USER, BTCD_PASS } = process.env;
// btcd's own p2pkh version byte (simnet's is 0x3f): the client and the
// mirror use testnet addresses, btcd's address index takes its own form
const BTCD_PUBKEYHASH = parseInt(process.env.BTCD_PUBKEYHASH || '0x6f', 16);
const { address: btcAddress } = require('bitcoinjs-lib');
function nodeAddress(address) {
  return btcAddress.toBase58Check(btcAddress.fromBase58Check(address).hash, BTCD_PUBKEYHASH);
}

let rpcID = 0;
async function btcd(method, params = []) {
  const resp = await fetch(BTCD_URL, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: 'Basic ' + Buffer.from(`${BTCD_USER}:${BTCD_PASS}`).toString('base64'),
    },
    body: JSON.stringify({ jsonrpc: '1.0', id: ++rpcID, method, params }),
  });
  const body = await resp.json();
  if (body.error) {
    const err = new Error(`btcd ${method}: ${body.error.message}`);
    err.code = body.error.code;
    throw err;
  }
  return body.result;
}

class BtcdAPI {
  broadcastTransaction(hex) { return btcd('sendrawtransaction', [hex]); }
  getBlockHeight() { return btcd('getblockcount'); }
  async getTransactionInfo(txid) {
    const tx = await btcd('getrawtransaction', [txid, 1]);
    if (!tx.blockhash) throw new Error('Unconfirmed transaction');
    const header = await btcd('getblockheader', [tx.blockhash, true]);
    return { block_height: header.height };
  }
  async getNetworkedUTXOs(clientAddress) {
    const address = nodeAddress(clientAddress);
    let txs;
    try {
      txs = await btcd('searchrawtransactions', [address, 1, 0, 10000]);
    } catch (e) {
      if (e.code === -5) return []; // no transactions for this address
      throw e;
    }
    const utxos = [];
    for (const tx of txs) {
      for (const out of tx.vout) {
        if (!(out.scriptPubKey.addresses || []).includes(address)) continue;
        const unspent = await btcd('gettxout', [tx.txid, out.n, true]);
        if (!unspent || (unspent.coinbase && unspent.confirmations < 100)) continue;
        utxos.push({ value: Math.round(out.value * 1e8), confirmations: unspent.confirmations, tx_hash: tx.txid, tx_output_n: out.n });
      }
    }
    return utxos;
  }
}

const network = new bs.network.LocalRegtest(API_URL, '', new BtcdAPI());
bs.config.network = network;

function plain(v) {
  if (v && typeof v === 'object') {
    if (typeof v.toNumber === 'function' && typeof v.ucmp === 'function') return v.toString(10); // BN
    if (Array.isArray(v)) return v.map(plain);
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

async function handle(req) {
  switch (req.op) {
    case 'tx': {
      const args = req.args.slice();
      if (req.builder === 'makeNamespaceReveal') {
        const spec = args[0];
        const ns = new bs.transactions.BlockstackNamespace(spec.id);
        ns.setVersion(spec.version);
        ns.setLifetime(spec.lifetime);
        ns.setCoeff(spec.coeff);
        ns.setBase(spec.base);
        ns.setBuckets(spec.buckets);
        ns.setNonalphaDiscount(spec.nonalphaDiscount);
        ns.setNoVowelDiscount(spec.noVowelDiscount);
        args[0] = ns;
      }
      const hex = await bs.transactions[req.builder](...args);
      return { txid: await network.broadcastTransaction(hex) };
    }
    case 'read':
      return plain(await network[req.method](...req.args));
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const req = JSON.parse(line);
  try {
    const result = await handle(req);
    process.stdout.write(JSON.stringify({ id: req.id, result: result === undefined ? null : result }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ id: req.id, error: String(e && e.stack || e) }) + '\n');
  }
});
