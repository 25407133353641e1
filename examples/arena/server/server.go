package main

import (
	"encoding/json"
	"log"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/examples/netcode"
)

// Config configures a Server; zero fields mean their defaults.
type Config struct {
	RoomSize int    // players per room; 0 means netcode.MaxPlayers
	TickRate int    // snapshots per second; 0 means 20
	Static   string // folder served at /, "" for none
	// SendBuffer is how many messages may wait for a client's writer
	// before the client counts as slow and is dropped; 0 means 16.
	SendBuffer int
	// MaxRate is the most messages a client may send in one second; 0
	// means 100 (the game sends 21).
	MaxRate int
	Logger  *log.Logger // nil means the standard logger
}

// Server is the arena server: rooms by name, each with its own tick.
type Server struct {
	cfg   Config
	log   *log.Logger
	mu    sync.Mutex
	rooms map[string]*room
	down  bool

	ticks    atomic.Int64
	tickNS   atomic.Int64
	bytesOut atomic.Int64
	bytesIn  atomic.Int64
	clients  atomic.Int64
	tickMu   sync.Mutex
	tickTime netcode.Samples
	kicksMu  sync.Mutex
	kicks    map[int]int
}

// NewServer returns a Server for cfg.
func NewServer(cfg Config) *Server {
	if cfg.RoomSize <= 0 || cfg.RoomSize > netcode.MaxPlayers {
		cfg.RoomSize = netcode.MaxPlayers
	}
	if cfg.TickRate <= 0 {
		cfg.TickRate = 20
	}
	if cfg.SendBuffer <= 0 {
		cfg.SendBuffer = 16
	}
	if cfg.MaxRate <= 0 {
		cfg.MaxRate = 100
	}
	s := &Server{cfg: cfg, log: cfg.Logger, rooms: map[string]*room{}, kicks: map[int]int{}}
	if s.log == nil {
		s.log = log.Default()
	}
	return s
}

var roomName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Handler serves /ws (the game socket), /stats and, with Config.Static,
// the game page at /.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", s.serveWS)
	mux.HandleFunc("/stats", s.serveStats)
	if s.cfg.Static != "" {
		files := http.FileServer(http.Dir(s.cfg.Static))
		mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Cross-origin isolation gives the page's clock 5 µs instead of
			// 100 µs, which the Dispatch timings need.
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
		}))
	}
	return mux
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("room")
	if name == "" {
		name = "lobby"
	}
	if !roomName.MatchString(name) {
		http.Error(w, "room names are 1 to 32 letters, digits, _ or -", http.StatusBadRequest)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		OriginPatterns: []string{"127.0.0.1:*", "localhost:*", "[::1]:*"},
	})
	if err != nil {
		s.log.Printf("arena: %s: upgrade failed: %v", r.RemoteAddr, err)
		return
	}
	conn.SetReadLimit(netcode.MaxClientMessage)
	s.clients.Add(1)
	defer s.clients.Add(-1)
	c := &client{s: s, conn: conn, addr: r.RemoteAddr, out: make(chan []byte, s.cfg.SendBuffer), done: make(chan struct{})}
	rm := s.join(name, c)
	if rm == nil {
		c.kick(websocket.StatusTryAgainLater, "room "+name+" is full")
		c.drain()
		return
	}
	c.serve(rm)
}

// join puts c in the room called name, made on first use; nil when the
// room is full or the server is shutting down.
func (s *Server) join(name string, c *client) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return nil
	}
	rm := s.rooms[name]
	if rm == nil {
		rm = newRoom(s, name)
		s.rooms[name] = rm
		go rm.run()
	}
	if !rm.add(c) {
		return nil
	}
	return rm
}

// leave takes c out of its room, and the room away when it is empty.
func (s *Server) leave(rm *room, c *client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rm.remove(c) == 0 && s.rooms[rm.name] == rm {
		delete(s.rooms, rm.name)
		rm.close()
	}
}

func (s *Server) kicked(code websocket.StatusCode) {
	s.kicksMu.Lock()
	s.kicks[int(code)]++
	s.kicksMu.Unlock()
}

func (s *Server) recordTick(d time.Duration) {
	s.ticks.Add(1)
	s.tickNS.Add(int64(d))
	s.tickMu.Lock()
	s.tickTime.Add(d)
	s.tickMu.Unlock()
}

// Shutdown closes every client with 1001 (going away) and stops the rooms.
func (s *Server) Shutdown() {
	s.mu.Lock()
	s.down = true
	var all []*client
	for _, rm := range s.rooms {
		all = append(all, rm.clients()...)
	}
	s.mu.Unlock()
	for _, c := range all {
		c.kick(websocket.StatusGoingAway, "server shutting down")
	}
}

// Stats is what /stats reports.
type Stats struct {
	Clients    int64          `json:"clients"`
	Rooms      map[string]int `json:"rooms"` // players per room
	Ticks      int64          `json:"ticks"`
	TickNS     int64          `json:"tick_ns"` // time spent in ticks, all rooms
	TickP50NS  int64          `json:"tick_p50_ns"`
	TickP99NS  int64          `json:"tick_p99_ns"`
	CPUNS      int64          `json:"cpu_ns"` // the process's user+system CPU time
	BytesOut   int64          `json:"bytes_out"`
	BytesIn    int64          `json:"bytes_in"`
	Kicks      map[int]int    `json:"kicks"` // clients closed by the server, by close code
	Goroutines int            `json:"goroutines"`
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	st := Stats{
		Clients: s.clients.Load(), Rooms: map[string]int{}, Ticks: s.ticks.Load(), TickNS: s.tickNS.Load(),
		CPUNS: cpuTime().Nanoseconds(), BytesOut: s.bytesOut.Load(), BytesIn: s.bytesIn.Load(), Kicks: map[int]int{},
		Goroutines: numGoroutine(),
	}
	s.mu.Lock()
	for name, rm := range s.rooms {
		st.Rooms[name] = rm.count()
	}
	s.mu.Unlock()
	s.tickMu.Lock()
	v := s.tickTime.Values()
	s.tickMu.Unlock()
	st.TickP50NS = int64(netcode.Percentile(v, 50))
	st.TickP99NS = int64(netcode.Percentile(v, 99))
	s.kicksMu.Lock()
	for k, n := range s.kicks {
		st.Kicks[k] = n
	}
	s.kicksMu.Unlock()
	return st
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Has("reset") {
		s.tickMu.Lock()
		s.tickTime.Reset()
		s.tickMu.Unlock()
	}
	json.NewEncoder(w).Encode(s.Stats())
}
