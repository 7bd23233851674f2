package main

import (
	"flag"

	"github.com/zonemirror/zonemirror/chainsync"
	"github.com/zonemirror/zonemirror/namedb/netparams"
)

// nodeFlags are the flags that reach a Bitcoin node and name its network.
type nodeFlags struct {
	network            string
	host, kind         string
	user, pass, cookie string
	cert               string
}

func (f *nodeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.network, "network", "mainnet", "network: mainnet, regtest or simnet")
	fs.StringVar(&f.host, "node", "127.0.0.1:8334", "the Bitcoin node's RPC address, host:port")
	fs.StringVar(&f.kind, "node-kind", "btcd", "btcd (websocket) or bitcoind (HTTP POST)")
	fs.StringVar(&f.user, "rpcuser", "", "RPC user")
	fs.StringVar(&f.pass, "rpcpass", "", "RPC password")
	fs.StringVar(&f.cookie, "rpccookie", "", "RPC cookie file (bitcoind's .cookie) instead of user and password")
	fs.StringVar(&f.cert, "rpccert", "", "the node's TLS certificate (btcd's rpc.cert); empty for plain HTTP on loopback")
}

func (f *nodeFlags) config() chainsync.NodeConfig {
	return chainsync.NodeConfig{Host: f.host, Kind: f.kind, User: f.user, Pass: f.pass, CookieFile: f.cookie, CertFile: f.cert}
}

func (f *nodeFlags) net() (*netparams.Network, error) { return netparams.Named(f.network) }
