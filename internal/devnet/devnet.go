package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/btcsuite/btcd/rpcclient"

	"github.com/zonemirror/zonemirror/chainsync/txbuild"
	"github.com/zonemirror/zonemirror/internal/realdata"
	"github.com/zonemirror/zonemirror/internal/testbtcd"
	"github.com/zonemirror/zonemirror/mirror/daemon"
	"github.com/zonemirror/zonemirror/namedb"
	"github.com/zonemirror/zonemirror/namedb/subdomain"
	"github.com/zonemirror/zonemirror/namedb/wire"
	"github.com/zonemirror/zonemirror/plugins"
)

// Options configure a devnet.
type Options struct {
	// Data is the devnet's folder. Required.
	Data string
	// Fresh removes the folder first.
	Fresh bool
	// Names is how many real names are registered at set-up. The default
	// is 100.
	Names int
	// Peers is how many DHT peers the swarm has. The default is 8.
	Peers int
	// HTTP and DNS are the mirror's addresses. The defaults are
	// 127.0.0.1:6270 and 127.0.0.1:5353.
	HTTP, DNS string
	// Out receives the progress and the how-to; the default is os.Stdout.
	Out io.Writer
	// Builtins, Self and Version are passed to the mirror (daemon.Options).
	Builtins  map[string]plugins.OpenFunc
	Self      []string
	DriverEnv []string
	Version   string
	// Up, when set, is called once the devnet is up (tests).
	Up func(Info)
	// Logger receives the mirror's logs; the default is a logger that
	// only shows warnings and errors, so the progress stays readable.
	Logger *slog.Logger
}

// Info is where a running devnet is.
type Info struct {
	HTTP, DNS, BTCD string
	// Names are the seeded names; Subdomains the subdomains of the
	// registrar name (Registrar).
	Names      []string
	Subdomains []string
	Data       string
	// Records is the mirror's disk tier folder; DHTPeers the swarm's
	// bootstrap addresses.
	Records  string
	DHTPeers []string
}

// Namespace is the devnet's namespace: the real zone files' names are in
// "id".
const Namespace = "id"

// Run starts the devnet and serves until ctx ends; every process it
// started is stopped when it returns.
func Run(ctx context.Context, o Options) error {
	if o.Data == "" {
		return errors.New("devnet: no data folder")
	}
	if o.Names == 0 {
		o.Names = 100
	}
	if o.Peers == 0 {
		o.Peers = 8
	}
	if o.Peers < 2 {
		return fmt.Errorf("devnet: %d DHT peers; it takes at least 2", o.Peers)
	}
	if o.HTTP == "" {
		o.HTTP = "127.0.0.1:6270"
	}
	if o.DNS == "" {
		o.DNS = "127.0.0.1:5353"
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	p := &progress{w: o.Out}
	if o.Fresh {
		if err := os.RemoveAll(o.Data); err != nil {
			return fmt.Errorf("devnet --fresh: %w", err)
		}
	}
	if err := os.MkdirAll(o.Data, 0o755); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	if r, err := readRunning(o.Data); err == nil && alive(r.PID) {
		return fmt.Errorf("a devnet is already running in %s (pid %d, HTTP %s): stop it, or give this one another --data", o.Data, r.PID, r.HTTP)
	}
	if err := portsFree(o.HTTP, o.DNS); err != nil {
		return err
	}
	st, err := loadState(o.Data)
	if err != nil {
		return err
	}
	wallet, err := st.wallet()
	if err != nil {
		return err
	}

	miningAddr, err := txbuild.NodeAddress(wallet, chainParams())
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	done := p.step("starting btcd (simnet, pinned in tools/go.mod; the first build takes a minute)")
	node, err := testbtcd.Launch(ctx, testbtcd.Options{Net: "simnet", Dir: filepath.Join(o.Data, "btcd"), MiningAddr: miningAddr,
		AddrIndex: true, User: st.RPCUser, Pass: st.RPCPass})
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	defer node.Stop()
	rpc, err := node.Client()
	if err != nil {
		return err
	}
	defer rpc.Shutdown()
	if h, err := rpc.GetBlockCount(); err != nil {
		return err
	} else if h < 110 {
		if _, err := rpc.Generate(uint32(110 - h)); err != nil {
			return fmt.Errorf("devnet: mine the first blocks: %w", err)
		}
	}
	done()

	done = p.step(fmt.Sprintf("starting %d DHT peers on 127.0.0.1", o.Peers))
	swarm, err := startPeers(ctx, filepath.Join(o.Data, "dht-peers"), o.Peers, o.Logger)
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	defer swarm.close()
	done()

	// The mirror, on the devnet's node: a disk tier, then a DHT tier that
	// joins the swarm; the crawler pulls from the DHT into the disk.
	done = p.step("starting the mirror (chain sync, crawler, disk and DHT tiers, HTTP, DNS)")
	mdir := filepath.Join(o.Data, "mirror")
	records := filepath.Join(mdir, "simnet", "records")
	boot, _ := json.Marshal(swarm.bootstrap())
	cfg, err := daemon.Load([]byte(fmt.Sprintf(`network: simnet
data: %q
node: {host: %q, user: %q, pass: %q}
http: {listen: %q}
dns: {listen: %q}
drivers:
  - {name: disk, driver: disk, config: {dir: %q}}
  - {name: dht, driver: dht, timeout: 10s, config: {dir: %q, listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: %s, get_timeout: 5s}}
crawl: {source: dht, max_backoff: 2s}
ready: {max_lag: 1, max_missing: 0}
`, mdir, node.RPCAddr, st.RPCUser, st.RPCPass, o.HTTP, o.DNS, records, filepath.Join(mdir, "simnet", "dht"), boot)))
	if err != nil {
		return err
	}
	// /readyz answers 200 only once the names are seeded (and synced and
	// crawled): a script waiting on it sees the devnet up.
	var seeded atomic.Bool
	seeded.Store(len(st.Seeded) > 0)
	mctx, stopMirror := context.WithCancel(ctx)
	defer stopMirror()
	addrs := make(chan daemon.Addrs, 1)
	mirrorDone := make(chan error, 1)
	go func() {
		mirrorDone <- daemon.Run(mctx, cfg, daemon.Options{Version: o.Version, Builtins: o.Builtins, Self: o.Self, DriverEnv: o.DriverEnv, Logger: o.Logger,
			Whitelist: func(ctx context.Context, db *namedb.DB) { swarm.follow(ctx, db, o.Logger) },
			Ready: func() (bool, string) {
				if !seeded.Load() {
					return false, "the devnet is registering its names"
				}
				return true, ""
			},
			Started: func(a daemon.Addrs) { addrs <- a }})
	}()
	var a daemon.Addrs
	select {
	case a = <-addrs:
	case err := <-mirrorDone:
		return fmt.Errorf("devnet: the mirror: %w", err)
	case <-ctx.Done():
		return nil
	}
	defer func() { stopMirror(); <-mirrorDone }()
	if err := writeJSONFile(filepath.Join(o.Data, "running.json"), running{PID: os.Getpid(), BTCD: node.RPCAddr, HTTP: a.HTTP, DNS: a.DNS}); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(o.Data, "running.json"))
	api := &apiClient{base: "http://" + a.HTTP}
	go mine(mctx, rpc, o.Logger)
	if err := api.waitSynced(ctx, rpc); err != nil {
		return err
	}
	done()

	if len(st.Seeded) == 0 {
		names, err := seed(ctx, p, rpc, api, swarm, st, wallet, o.Names)
		if err != nil {
			return err
		}
		st.Seeded = names
		if err := st.save(o.Data); err != nil {
			return err
		}
		seeded.Store(true)
	}
	if err := api.waitReady(ctx, p); err != nil {
		return err
	}
	info := Info{HTTP: a.HTTP, DNS: a.DNS, BTCD: node.RPCAddr, Names: st.Seeded, Data: o.Data, Records: records, DHTPeers: swarm.bootstrap()}
	for _, label := range Subdomains {
		info.Subdomains = append(info.Subdomains, label+"."+Registrar)
	}
	howTo(o.Out, info)
	if o.Up != nil {
		o.Up(info)
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(o.Out, "stopping the devnet; its data stays in", o.Data)
		return nil
	case err := <-mirrorDone:
		mirrorDone <- err
		return fmt.Errorf("devnet: the mirror stopped: %w", err)
	}
}

func howTo(w io.Writer, i Info) {
	name := "0.id"
	if len(i.Names) > 0 {
		name = i.Names[0]
	}
	dnsHost, dnsPort, _ := net.SplitHostPort(i.DNS)
	fmt.Fprintf(w, `
zonemirror devnet is up: %d names in namespace %q on a simnet btcd (%s)
  HTTP API    http://%[4]s
              curl -s http://%[4]s/v1/names/%[5]s
              curl -s 'http://%[4]s/v1/names/%[5]s/zonefile?raw=1'
  DNS         dig @%[6]s -p %[7]s _http._tcp.%[5]s URI
  subdomains  %[9]s's zone file creates %[10]s
              curl -s http://%[4]s/v1/names/%[11]s
              dig @%[6]s -p %[7]s %[11]s A
  status      http://%[4]s/status      (zonemirror status --url http://%[4]s in a terminal)
  metrics     http://%[4]s/metrics     readiness: http://%[4]s/readyz
  change a name, then watch the answers change:
              zonemirror devnet register NAME.id --zonefile FILE
              zonemirror devnet update %[5]s --zonefile FILE
              zonemirror devnet transfer %[5]s --to ADDRESS
Ctrl-C stops it; its data stays in %[8]s (zonemirror devnet --fresh starts over).
`, len(i.Names), Namespace, i.BTCD, i.HTTP, name, dnsHost, dnsPort, i.Data, Registrar, strings.Join(i.Subdomains, ", "), first(i.Subdomains))
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// portsFree says clearly which of the mirror's ports is taken.
func portsFree(httpAddr, dnsAddr string) error {
	l, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return fmt.Errorf("the HTTP address %s is taken (another devnet or mirror?): stop it or pass --http 127.0.0.1:PORT", httpAddr)
	}
	l.Close()
	if dnsAddr == "off" {
		return nil
	}
	pc, err := net.ListenPacket("udp", dnsAddr)
	if err != nil {
		return fmt.Errorf("the DNS address %s is taken: stop what uses it or pass --dns 127.0.0.1:PORT", dnsAddr)
	}
	pc.Close()
	return nil
}

// mine mines a block whenever transactions wait, until ctx ends.
func mine(ctx context.Context, rpc *rpcclient.Client, logger *slog.Logger) {
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pool, err := rpc.GetRawMempool()
			if err != nil || len(pool) == 0 {
				continue
			}
			if _, err := rpc.Generate(1); err != nil && ctx.Err() == nil {
				logger.Warn("devnet: mining failed", "err", err)
			}
		}
	}
}

// seed creates the namespace and registers n real names, with their real
// zone files, through real transactions.
func seed(ctx context.Context, p *progress, rpc *rpcclient.Client, api *apiClient, swarm *peers, st *state, wallet *txbuild.Key, n int) ([]string, error) {
	b := &txbuild.Builder{Params: network().Wire}
	send := txbuild.NewSender(b, rpc)
	coins, err := txbuild.NodeCoins(ctx, rpc, wallet, chainParams())
	if err != nil {
		return nil, err
	}
	send.AddCoins(wallet, coins...)
	waitBlock := func() error { return api.waitSynced(ctx, rpc) }

	done := p.step(fmt.Sprintf("creating the namespace %q (preorder, reveal, ready)", Namespace))
	if !api.exists("/v1/namespaces/" + Namespace) {
		price, err := api.namespacePrice(Namespace)
		if err != nil {
			return nil, err
		}
		ch, err := api.consensusHash()
		if err != nil {
			return nil, err
		}
		r, err := b.NamespacePreorder(Namespace, wallet, wallet.Address, ch, price)
		if err != nil {
			return nil, err
		}
		steps := []txbuild.Request{r,
			txbuild.NamespaceReveal(&wire.NamespaceReveal{Lifetime: 52595, Coeff: 250, Base: 4, Buckets: [16]uint8{6, 5, 4, 3, 2, 1},
				NonalphaDiscount: 4, NoVowelDiscount: 4, Version: 1, NamespaceID: Namespace}, wallet.Address),
			txbuild.NamespaceReady(Namespace)}
		for _, r := range steps {
			if _, err := send.Send(wallet, r); err != nil {
				return nil, fmt.Errorf("namespace %s: %w", Namespace, err)
			}
			if err := waitBlock(); err != nil {
				return nil, err
			}
		}
	}
	done()

	all, err := realdata.Zonefiles()
	if err != nil {
		return nil, err
	}
	var zf []realdata.Zonefile
	for _, z := range all {
		if strings.HasSuffix(z.Name, "."+Namespace) && wire.CheckName(z.Name) == nil && len(zf) < n {
			zf = append(zf, z)
		}
	}
	owners := (len(zf) + 19) / 20
	done = p.step(fmt.Sprintf("funding %d owner keys", owners))
	var pay []txbuild.Payment
	for i := range owners {
		for range 4 {
			pay = append(pay, txbuild.Payment{Address: st.owner(i).Address, Value: 50_000_000})
		}
	}
	keys := make([]*txbuild.Key, owners)
	for i := range keys {
		keys[i] = st.owner(i)
	}
	if _, err := send.Pay(wallet, pay, keys...); err != nil {
		return nil, fmt.Errorf("fund the owners: %w", err)
	}
	if err := waitBlock(); err != nil {
		return nil, err
	}
	done()

	count := p.counter("registering names (preorder, register: real transactions; zone files into the DHT peers)", len(zf))
	var names []string
	for start := 0; start < len(zf); start += 20 {
		batch := zf[start:min(start+20, len(zf))]
		owner := keys[start/20]
		ch, err := api.consensusHash()
		if err != nil {
			return nil, err
		}
		for _, z := range batch {
			price, err := api.namePrice(z.Name)
			if err != nil {
				return nil, err
			}
			r, err := b.Preorder(z.Name, owner, owner.Address, ch, b.BurnAddress(), price)
			if err != nil {
				return nil, err
			}
			if _, err := send.Send(owner, r); err != nil {
				return nil, fmt.Errorf("preorder %s: %w", z.Name, err)
			}
		}
		if err := waitBlock(); err != nil {
			return nil, err
		}
		for _, z := range batch {
			h := z.Hash
			if _, err := send.Send(owner, txbuild.Register(z.Name, owner.Address, &h)); err != nil {
				return nil, fmt.Errorf("register %s: %w", z.Name, err)
			}
		}
		if err := waitBlock(); err != nil {
			return nil, err
		}
		// The zone files go into the DHT peers only: the mirror crawls
		// them from there. The peers know the hashes from the whitelist
		// (follow); allowing them here saves waiting for it.
		keys := make([]plugins.Key, len(batch))
		for i, z := range batch {
			keys[i] = plugins.Key(z.Hash)
		}
		if err := swarm.allow(ctx, keys); err != nil {
			return nil, err
		}
		for i, z := range batch {
			if _, err := swarm.publish(ctx, start+i, keys[i], z.Data); err != nil {
				return nil, fmt.Errorf("zone file of %s into the DHT: %w", z.Name, err)
			}
			names = append(names, z.Name)
		}
		count(len(names))
	}
	if err := seedRegistrar(ctx, p, b, send, api, swarm, wallet, len(zf), waitBlock); err != nil {
		return nil, err
	}
	return names, nil
}

// Registrar is the devnet's registrar name: its zone file creates the
// subdomains Subdomains (alice.devnet-registrar.id, …).
const Registrar = "devnet-registrar." + Namespace

// Subdomains are the labels of the registrar's subdomains.
var Subdomains = []string{"alice", "bob", "carol"}

// SubdomainKey is the throwaway key that owns subdomain label.
func SubdomainKey(label string) *txbuild.Key {
	return txbuild.KeyFromSeed("devnet subdomain "+label, network().Wire)
}

// registrarZonefile is the registrar's zone file: one creation record for
// each of Subdomains, whose own zone file has a profile URI and an A
// record.
func registrarZonefile() ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://registrar.example/\"\n", Registrar)
	for _, label := range Subdomains {
		fqn := label + "." + Registrar
		owner := SubdomainKey(label)
		zf := fmt.Sprintf("$ORIGIN %s\n$TTL 3600\n_http._tcp IN URI 10 1 \"https://gaia.blockstack.org/hub/%s/profile.json\"\n@ IN A 127.0.0.1\n", fqn, owner.Address)
		r := &subdomain.Record{FQN: fqn, Domain: Registrar, Owner: owner.Address, ZoneFile: []byte(zf)}
		b.WriteString(r.TXT())
		b.WriteByte('\n')
	}
	if b.Len() > network().MaxZonefileBytes {
		return nil, fmt.Errorf("the registrar's zone file is %d bytes", b.Len())
	}
	return []byte(b.String()), nil
}

// seedRegistrar registers Registrar with its zone file of subdomain
// records and waits for the mirror to serve the first subdomain.
func seedRegistrar(ctx context.Context, p *progress, b *txbuild.Builder, send *txbuild.Sender, api *apiClient, swarm *peers, wallet *txbuild.Key, slot int, waitBlock func() error) error {
	done := p.step(fmt.Sprintf("registering %s, whose zone file creates %d subdomains", Registrar, len(Subdomains)))
	defer done()
	zf, err := registrarZonefile()
	if err != nil {
		return err
	}
	h := wire.SumHash160(zf)
	ch, err := api.consensusHash()
	if err != nil {
		return err
	}
	price, err := api.namePrice(Registrar)
	if err != nil {
		return err
	}
	r, err := b.Preorder(Registrar, wallet, wallet.Address, ch, b.BurnAddress(), price)
	if err != nil {
		return err
	}
	if _, err := send.Send(wallet, r); err != nil {
		return fmt.Errorf("preorder %s: %w", Registrar, err)
	}
	if err := waitBlock(); err != nil {
		return err
	}
	if _, err := send.Send(wallet, txbuild.Register(Registrar, wallet.Address, &h)); err != nil {
		return fmt.Errorf("register %s: %w", Registrar, err)
	}
	if err := waitBlock(); err != nil {
		return err
	}
	if err := swarm.allow(ctx, []plugins.Key{plugins.Key(h)}); err != nil {
		return err
	}
	if _, err := swarm.publish(ctx, slot, plugins.Key(h), zf); err != nil {
		return fmt.Errorf("zone file of %s into the DHT: %w", Registrar, err)
	}
	// the mirror crawls the zone file and indexes its subdomains
	first := "/v1/names/" + Subdomains[0] + "." + Registrar
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if code, err := api.get(first, nil); err == nil && code == 200 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devnet: the mirror does not serve %s after 2 minutes", first)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func readRunning(dir string) (*running, error) {
	b, err := os.ReadFile(filepath.Join(dir, "running.json"))
	if err != nil {
		return nil, err
	}
	r := &running{}
	return r, json.Unmarshal(b, r)
}

// apiClient talks to the devnet's mirror.
type apiClient struct{ base string }

func (c *apiClient) get(path string, v any) (int, error) {
	resp, err := http.Get(c.base + path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			return resp.StatusCode, fmt.Errorf("GET %s: %w", path, err)
		}
	}
	return resp.StatusCode, nil
}

func (c *apiClient) exists(path string) bool {
	code, _ := c.get(path, nil)
	return code == 200
}

func (c *apiClient) consensusHash() (wire.Hash128, error) {
	var v map[string]string
	if _, err := c.get("/v1/blockchains/bitcoin/consensus", &v); err != nil {
		return wire.Hash128{}, err
	}
	return wire.ParseHash128(v["consensus_hash"])
}

func (c *apiClient) namePrice(name string) (int64, error) {
	var v struct {
		NamePrice struct {
			Satoshis int64 `json:"satoshis"`
		} `json:"name_price"`
	}
	if _, err := c.get("/v1/prices/names/"+name, &v); err != nil {
		return 0, err
	}
	return v.NamePrice.Satoshis, nil
}

func (c *apiClient) namespacePrice(id string) (int64, error) {
	var v struct {
		Satoshis int64 `json:"satoshis"`
	}
	if _, err := c.get("/v1/prices/namespaces/"+id, &v); err != nil {
		return 0, err
	}
	return v.Satoshis, nil
}

func (c *apiClient) postZonefile(zf []byte) error {
	body, _ := json.Marshal(map[string]string{"zonefile": string(zf)})
	resp, err := http.Post(c.base+"/v1/zonefile", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST /v1/zonefile: %d %s", resp.StatusCode, msg)
	}
	return nil
}

// waitReady waits until /readyz answers 200 (synced, every whitelisted
// zone file crawled), showing its reason as it goes.
func (c *apiClient) waitReady(ctx context.Context, p *progress) error {
	done := p.status("syncing and crawling")
	defer done()
	deadline := time.Now().Add(5 * time.Minute)
	var why string
	for time.Now().Before(deadline) {
		var v struct{ Status, Reason string }
		code, err := c.get("/readyz", &v)
		if err == nil && code == 200 {
			return nil
		}
		if err == nil && v.Reason != why {
			why = v.Reason
			p.update(why)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("devnet: the mirror is not ready after 5 minutes: %s", why)
}

// waitSynced waits until the node's mempool is empty (the miner took it)
// and the mirror has applied the node's tip.
func (c *apiClient) waitSynced(ctx context.Context, rpc *rpcclient.Client) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pool, err := rpc.GetRawMempool()
		tip, herr := rpc.GetBlockCount()
		var info struct {
			Last int64 `json:"last_block_processed"`
		}
		_, ierr := c.get("/v1/info", &info)
		if err == nil && herr == nil && ierr == nil && len(pool) == 0 && info.Last == tip {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("devnet: the mirror did not catch up with btcd in 2 minutes")
}
