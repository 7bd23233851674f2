// Package dht is the DHT storage driver: a libp2p host running kad-dht in
// server mode on zonemirror's own protocol prefix (/zonemirror), so it
// never mixes with the public IPFS DHT. Zone files are kad-dht values
// under the namespace /zf/<40 hex of hash160>.
//
// # Where it sits
//
// It is one tier of the mirror (usually the last: disk ▸ s3 ▸ dht) and the
// crawler's source of records it does not hold. The host serves it as
// `zonemirror driver dht` (or in-process); the host streams the whitelist
// to it with Allow.
//
// # What it refuses
//
// Every node runs the same validator on every record it stores — a put
// from a peer, a put from the host — and on every record a lookup
// receives: the key must be /zf/<hex of a 20-byte key>, the value at most
// max_value_bytes (40,960 by default), hash160(value) must equal the key,
// and the key must be on the node's whitelist. A record whose hash was
// never announced on chain is therefore refused by every honest node, not
// only by its sender. Refusals are counted by reason (Report.Refused).
// Provider records are switched off: they have no validator, so anyone
// could announce anything.
//
// # Replication and republishing
//
// kad-dht's PutValue reports success even when no peer stored the value,
// so Publish puts the record to each of the closest peers itself and
// counts the peers that acknowledged storing it — a peer answers a put
// with the record only once its validator and store took it — or that
// answer a GET_VALUE with it (Replication). kad-dht expires values
// (record_ttl, 48 h) and never republishes them: every node re-puts each
// record it holds when its copy has aged into the last half of
// republish_interval (a point that depends on the node and the key, so
// the holders of a record do not all do it at once; a put from any node
// refreshes everyone's copy and the others skip), and re-puts its
// under-replicated records soon after new whitelist entries arrive.
//
// # Lookups and joining
//
// Get answers from the node's own store first, then asks the network
// (GetValue, quorum 1, get_timeout). Right after start the routing table
// is empty: lookups wait (up to ready_timeout) for the node to join — a
// bootstrap peer connected, the table filled and refreshed — instead of
// answering "not found".
//
// # Storage
//
// The folder holds a pebble datastore (records in kad-dht's format, and
// the whitelist) and the peer key; the driver closes the datastore itself,
// since kad-dht does not close a datastore it is given. A restarted node
// holds and serves what it held. README.md beside this file has the config
// keys.
package dht
