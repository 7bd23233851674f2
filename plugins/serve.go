package plugins

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	driverpb "github.com/zonemirror/zonemirror/plugins/proto"
)

// Handshake is the go-plugin handshake of storage drivers. The magic cookie
// only keeps a driver from being run by hand by mistake (it is not a
// secret); ProtocolVersion changes when driver.proto changes incompatibly.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "ZONEMIRROR_STORAGE_DRIVER",
	MagicCookieValue: "7d1f0c9a4e2b6f83a5c0de11b2f4a7e9",
}

// PluginName is the name under which a driver process serves its Driver.
const PluginName = "driver"

// Plugins is the plugin set of the host: one plugin, the driver. Pass it as
// go-plugin's ClientConfig.Plugins and Dispense(PluginName) a *Client.
func Plugins() plugin.PluginSet {
	return plugin.PluginSet{PluginName: &grpcPlugin{}}
}

// grpcPlugin is the go-plugin glue: the server half (in the driver
// process) registers the Driver service; the client half (in the host)
// wraps the connection in a Client.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	srv *server // set in the driver process
}

func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	driverpb.RegisterDriverServer(s, p.srv)
	return nil
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, cc *grpc.ClientConn) (any, error) {
	return NewClient(cc), nil
}

// Serve runs a driver process: it answers go-plugin's handshake on stdout,
// serves the Driver service until the host stops it (or dies), then closes
// the driver. Log with the Setup's Logger (or slog's default, which Serve
// sets): records go to stderr as JSON that the host re-logs under the
// tier's name. A driver's main is just
//
//	func main() { plugins.Serve(mydriver.Open) }
//
// Run by hand (without the host's magic cookie), it explains itself and
// exits 1.
func Serve(open OpenFunc) {
	// go-plugin swaps os.Stderr for a pipe while serving; logs go to the
	// real stderr, which the host reads line by line.
	stderr := os.Stderr
	logger := slog.New(NewPluginLogHandler(stderr, slog.LevelInfo))
	slog.SetDefault(logger)
	srv := newServer(open, logger)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         plugin.PluginSet{PluginName: &grpcPlugin{srv: srv}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: "go-plugin", Output: stderr, JSONFormat: true, Level: hclog.Info,
		}),
	})
	if err := srv.close(); err != nil {
		logger.Error("closing driver", "err", err)
	}
}

// NewPluginLogHandler returns a slog handler that writes the JSON lines
// go-plugin's host understands (hclog's @level, @message and @timestamp),
// so a driver's records arrive in the host's log with their level and
// attributes. Drivers in other languages write the same shape.
func NewPluginLogHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.TimeKey:
				return slog.String("@timestamp", a.Value.Time().Format("2006-01-02T15:04:05.000000Z07:00"))
			case slog.LevelKey:
				return slog.String("@level", strings.ToLower(a.Value.String()))
			case slog.MessageKey:
				return slog.String("@message", a.Value.String())
			}
			return a
		},
	})
}
