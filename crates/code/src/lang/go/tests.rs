//! Route and link tests over small but real-looking Go files.

use crate::CodeIndex;
use crate::model::{Auth, FactKind, FileCode, Route};

pub fn file(path: &str, src: &str) -> FileCode {
    crate::extract(path, src.as_bytes()).expect("go file")
}

pub fn linked(files: &[(&str, &str)]) -> CodeIndex {
    CodeIndex::build(files.iter().map(|(p, s)| file(p, s)).collect())
}

fn route<'a>(index: &'a CodeIndex, method: &str, path: &str) -> &'a Route {
    index
        .routes()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| {
            let all: Vec<String> = index
                .routes()
                .map(|r| format!("{} {} {:?}", r.method, r.path, r.auth))
                .collect();
            panic!("no route {method} {path} in {all:#?}")
        })
}

fn required(r: &Route) -> bool {
    r.auth.is_required()
}

pub fn kinds(f: &FileCode) -> Vec<FactKind> {
    f.facts.iter().map(|f| f.kind.clone()).collect()
}

#[test]
fn chi_groups_route_and_with() {
    let src = r#"package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/jwtauth/v5"
)

func routes(tokenAuth *jwtauth.JWTAuth) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Logger)
	r.Use(middleware.Recoverer)
	r.Get("/healthz", health)
	r.Post("/login", login)
	r.Route("/v1", func(r chi.Router) {
		r.Group(func(r chi.Router) {
			r.Use(jwtauth.Verifier(tokenAuth))
			r.Use(jwtauth.Authenticator(tokenAuth))
			r.Post("/orders", createOrder)
			r.Delete("/orders/{id}", deleteOrder)
		})
		r.Get("/catalog", listCatalog)
		r.With(RequireRole("admin")).Post("/admin/reindex", reindex)
	})
	return r
}

func main() {
	http.ListenAndServe(":8080", routes(nil))
}
"#;
    let index = linked(&[("cmd/api/main.go", src)]);
    assert_eq!(route(&index, "POST", "/login").auth, Auth::None);
    let orders = route(&index, "POST", "/v1/orders");
    assert!(required(orders), "{:?}", orders.auth);
    assert!(required(route(&index, "DELETE", "/v1/orders/{id}")));
    assert_eq!(route(&index, "GET", "/v1/catalog").auth, Auth::None);
    let admin = route(&index, "POST", "/v1/admin/reindex");
    assert!(required(admin));
    assert_eq!(admin.roles, vec!["admin".to_string()]);
    assert_eq!(admin.framework, "chi");
}

#[test]
fn gin_groups_with_auth_and_unknown_middleware() {
    let src = r#"package server

import (
	"github.com/gin-gonic/gin"
	"example.com/shop/internal/tenant"
)

func New() *gin.Engine {
	r := gin.Default()
	r.GET("/healthz", health)
	api := r.Group("/api", AuthRequired())
	{
		api.POST("/items", createItem)
		api.PUT("/items/:id", updateItem)
	}
	t := r.Group("/t")
	t.Use(tenant.Resolve())
	t.POST("/events", ingest)
	open := r.Group("/public")
	open.POST("/signup", signup)
	r.POST("/webhooks", VerifySignature(), webhook)
	return r
}

func main() {
	New().Run(":8080")
}
"#;
    let index = linked(&[("internal/server/server.go", src)]);
    assert!(required(route(&index, "POST", "/api/items")));
    assert!(required(route(&index, "PUT", "/api/items/:id")));
    assert!(matches!(
        route(&index, "POST", "/t/events").auth,
        Auth::Unknown { .. }
    ));
    assert_eq!(route(&index, "POST", "/public/signup").auth, Auth::None);
    assert!(matches!(
        route(&index, "POST", "/webhooks").auth,
        Auth::Unknown { .. }
    ));
}

#[test]
fn nethttp_patterns_wrappers_and_server_guard() {
    let src = r#"package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", health)
	mux.Handle("POST /items", requireAuth(http.HandlerFunc(createItem)))
	mux.HandleFunc("DELETE /items/{id}", deleteItem)
	mux.Handle("/metrics", promhttp.Handler())
	log.Fatal(http.ListenAndServe(":8080", mux))
}
"#;
    let f = file("main.go", src);
    assert!(kinds(&f).contains(&FactKind::MetricsEndpoint {
        path: "/metrics".into()
    }));
    let index = CodeIndex::build(vec![f]);
    assert!(required(route(&index, "POST", "/items")));
    assert_eq!(route(&index, "DELETE", "/items/{id}").auth, Auth::None);
    assert_eq!(route(&index, "GET", "/healthz").framework, "net/http");

    let wrapped = src.replace(
        "http.ListenAndServe(\":8080\", mux)",
        "http.ListenAndServe(\":8080\", logging(authenticate(mux)))",
    );
    let index = linked(&[("main.go", &wrapped)]);
    assert!(required(route(&index, "DELETE", "/items/{id}")));
}

#[test]
fn gorilla_subrouter_methods_and_use() {
    let src = r#"package main

import (
	"net/http"

	"github.com/gorilla/mux"
)

func main() {
	r := mux.NewRouter()
	r.HandleFunc("/healthz", health).Methods("GET")
	api := r.PathPrefix("/api").Subrouter()
	api.Use(authMiddleware)
	api.HandleFunc("/users", createUser).Methods(http.MethodPost, "PUT")
	http.ListenAndServe(":8080", r)
}
"#;
    let index = linked(&[("main.go", src)]);
    assert_eq!(route(&index, "GET", "/healthz").auth, Auth::None);
    assert!(required(route(&index, "POST", "/api/users")));
    assert!(required(route(&index, "PUT", "/api/users")));
}

#[test]
fn echo_and_fiber_groups() {
    let echo = r#"package main

import (
	"github.com/labstack/echo/v4"
	echojwt "github.com/labstack/echo-jwt/v4"
)

func main() {
	e := echo.New()
	e.POST("/login", login)
	g := e.Group("/api", echojwt.JWT([]byte(secret)))
	g.POST("/notes", createNote)
	e.DELETE("/notes/:id", deleteNote, requireAdmin)
	e.Logger.Fatal(e.Start(":8080"))
}
"#;
    let index = linked(&[("main.go", echo)]);
    assert_eq!(route(&index, "POST", "/login").auth, Auth::None);
    assert!(required(route(&index, "POST", "/api/notes")));
    let del = route(&index, "DELETE", "/notes/:id");
    assert!(required(del));
    assert_eq!(del.roles, vec!["admin".to_string()]);

    let fiber = r#"package main

import (
	"github.com/gofiber/fiber/v2"
	jwtware "github.com/gofiber/contrib/jwt"
)

func main() {
	app := fiber.New()
	app.Post("/login", login)
	api := app.Group("/api")
	api.Use(jwtware.New(jwtware.Config{}))
	api.Post("/orders", createOrder)
	app.Listen(":3000")
}
"#;
    let index = linked(&[("main.go", fiber)]);
    assert_eq!(route(&index, "POST", "/login").framework, "fiber");
    assert!(required(route(&index, "POST", "/api/orders")));
}

#[test]
fn routes_registered_in_another_package_get_prefix_and_auth() {
    let main = r#"package main

import (
	"github.com/go-chi/chi/v5"
	"example.com/shop/internal/handlers"
	"example.com/shop/internal/auth"
)

func main() {
	r := chi.NewRouter()
	r.Route("/api", func(r chi.Router) {
		r.Use(auth.RequireUser)
		handlers.RegisterOrders(r)
	})
	r.Mount("/admin", handlers.AdminRoutes())
}
"#;
    let orders = r#"package handlers

import "github.com/go-chi/chi/v5"

func RegisterOrders(r chi.Router) {
	r.Post("/orders", createOrder)
}

func AdminRoutes() chi.Router {
	r := chi.NewRouter()
	r.Post("/reindex", reindex)
	return r
}

func RegisterLegacy(r chi.Router) {
	r.Post("/legacy", legacy)
}
"#;
    let index = linked(&[
        ("cmd/api/main.go", main),
        ("internal/handlers/orders.go", orders),
    ]);
    let o = route(&index, "POST", "/api/orders");
    assert!(required(o), "{:?}", o.auth);
    assert_eq!(route(&index, "POST", "/admin/reindex").auth, Auth::None);
    assert!(matches!(
        route(&index, "POST", "/legacy").auth,
        Auth::Unknown { .. }
    ));
}

#[test]
fn handler_constructors_are_not_middleware() {
    let src = r#"package main

import (
	"net/http"
)

func (s *server) routes() {
	s.router.Handle("POST /items", s.handleCreateItem(s.store))
	s.router.HandleFunc("POST /login", s.handleLogin())
}

func main() {
	s := &server{router: http.NewServeMux()}
	s.routes()
	http.ListenAndServe(":8080", s.router)
}
"#;
    let index = linked(&[("main.go", src)]);
    // A struct-field router gets its middleware from code vouch reads in full here: none.
    let r = route(&index, "POST", "/items");
    assert_eq!(r.handler, "s.handleCreateItem(s.store)");
}

#[test]
fn websocket_and_graphql_routes() {
    let src = r#"package main

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{}

func serveWS(w http.ResponseWriter, r *http.Request) {
	conn, _ := upgrader.Upgrade(w, r, nil)
	defer conn.Close()
}

func main() {
	srv := handler.NewDefaultServer(nil)
	http.Handle("/graphql", srv)
	http.HandleFunc("/ws", serveWS)
	http.ListenAndServe(":8080", nil)
}
"#;
    let index = linked(&[("main.go", src)]);
    assert_eq!(
        route(&index, "ANY", "/graphql").kind,
        crate::RouteKind::GraphQl
    );
    assert_eq!(
        route(&index, "ANY", "/ws").kind,
        crate::RouteKind::WebSocket
    );
}

#[test]
fn config_values_and_jwt_secret_fallbacks() {
    let src = r#"package config

import (
	"os"
)

const DefaultPort = "8080"

var AllowedOrigins = []string{"https://app.example.com"}

type Config struct {
	DatabaseURL string `envconfig:"DATABASE_URL" required:"true"`
	CORSOrigins string `envconfig:"CORS_ORIGINS" default:"*"`
	JWTSecret   string `envconfig:"JWT_SECRET" default:"dev-secret"`
}

func Load() Config {
	secret := os.Getenv("JWT_SECRET")
	if secret == "" {
		secret = "insecure-default"
	}
	key := os.Getenv("API_SIGNING_KEY")
	if key == "" {
		panic("API_SIGNING_KEY is required")
	}
	return Config{JWTSecret: secret, DatabaseURL: getEnv("DATABASE_URL", "postgres://localhost/app")}
}
"#;
    let f = file("internal/config/config.go", src);
    let by_name = |n: &str| {
        f.config
            .iter()
            .find(|c| c.name == n)
            .map(|c| c.value.clone())
    };
    assert_eq!(
        by_name("defaultport"),
        Some(crate::Value::Literal("8080".into()))
    );
    assert_eq!(
        by_name("corsorigins"),
        Some(crate::Value::Env {
            name: "CORS_ORIGINS".into(),
            default: Some("*".into())
        })
    );
    assert_eq!(
        by_name("secret"),
        Some(crate::Value::Env {
            name: "JWT_SECRET".into(),
            default: Some("insecure-default".into())
        })
    );
    assert_eq!(
        by_name("key"),
        Some(crate::Value::Env {
            name: "API_SIGNING_KEY".into(),
            default: None
        })
    );
    let fallbacks: Vec<u32> = f
        .facts
        .iter()
        .filter(|x| x.kind == FactKind::RiskJwtSecretFallback)
        .map(|x| x.at.line)
        .collect();
    assert_eq!(fallbacks, vec![14, 20], "{:?}", f.facts);
}

fn count(f: &FileCode, kind: &FactKind) -> Vec<u32> {
    f.facts
        .iter()
        .filter(|x| &x.kind == kind)
        .map(|x| x.at.line)
        .collect()
}

#[test]
fn sql_interpolation_and_its_traps() {
    let src = r#"package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

var sortColumns = map[string]string{"name": "name", "created": "created_at"}

const usersTable = "users"

func (s *Store) Find(ctx context.Context, name string) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", name)
	return s.db.QueryContext(ctx, q)
}

func (s *Store) Delete(id string) error {
	_, err := s.db.Exec("DELETE FROM users WHERE id = " + id)
	return err
}

func (s *Store) Search(ctx context.Context, name, sort string, limit int, ids []int64) error {
	col, ok := sortColumns[sort]
	if !ok {
		col = "created_at"
	}
	q := fmt.Sprintf("SELECT id FROM %s WHERE name = $1 ORDER BY %s LIMIT %d", usersTable, col, limit)
	s.db.QueryContext(ctx, q, name)
	s.db.Query("SELECT id FROM users WHERE name = ? AND age > ?", name, 3)
	placeholders := strings.Repeat("?,", len(ids))
	s.db.Query(fmt.Sprintf("SELECT id FROM users WHERE id IN (%s)", placeholders), ids)
	query := "SELECT id FROM users WHERE 1=1"
	query += " AND name = $" + strconv.Itoa(1)
	s.db.Query(query, name)
	// s.db.Query(fmt.Sprintf("SELECT * FROM t WHERE x = '%s'", name))
	s.cache.Get(fmt.Sprintf("user:%s", name))
	var order string
	switch sort {
	case "name":
		order = "name ASC"
	default:
		order = "id DESC"
	}
	s.db.Query("SELECT id FROM users ORDER BY " + order)
	where := "WHERE 1=1"
	if name != "" {
		where += " AND name LIKE '%" + name + "%'"
	}
	s.db.Query("SELECT id FROM users " + where)
	return nil
}
"#;
    let f = file("internal/store/users.go", src);
    assert_eq!(
        count(&f, &FactKind::RiskSqlInterpolation),
        vec![17, 21, 52],
        "{:#?}",
        f.facts
    );
}

#[test]
fn shell_and_ssrf() {
    let src = r#"package handlers

import (
	"net/http"
	"fmt"
	"net/url"
	"os/exec"
)

func Convert(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("file")
	exec.Command("sh", "-c", "convert "+name+" out.png").Run()
	exec.Command("convert", name, "out.png").Run()
	exec.Command("sh", "-c", "echo ready").Run()
}

func Fetch(w http.ResponseWriter, r *http.Request) {
	target := r.FormValue("url")
	resp, err := http.Get(target)
	_ = resp
	_ = err
}

var allowedHosts = map[string]bool{"api.partner.com": true}

func FetchSafe(w http.ResponseWriter, r *http.Request) {
	u, err := url.Parse(r.FormValue("url"))
	if err != nil || !allowedHosts[u.Hostname()] {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	http.Get(u.String())
}

func Ping(base string) {
	http.Get(base + "/healthz")
}

func Profile(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	http.Get("https://api.github.com/users/" + user)
	http.Get(fmt.Sprintf("https://api.github.com/users/%s/repos", user))
	http.Get(fmt.Sprintf("https://%s/users", user))
}
"#;
    let f = file("internal/handlers/tools.go", src);
    assert_eq!(count(&f, &FactKind::RiskShellInjection), vec![12]);
    assert_eq!(count(&f, &FactKind::RiskSsrf), vec![19, 43]);
}

#[test]
fn jwt_hashing_randomness_and_credentials() {
    let src = r#"package auth

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"math/rand"
	"net/http"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

const adminPassword = "Sup3rS3cret!"
const passwordEnv = "ADMIN_PASSWORD"
const tokenHeader = "X-Auth-Token"

func Parse(tok string, secret []byte) (*jwt.Token, error) {
	return jwt.Parse(tok, func(t *jwt.Token) (interface{}, error) {
		return secret, nil
	})
}

func ParseSafe(tok string, secret []byte) (*jwt.Token, error) {
	return jwt.Parse(tok, func(t *jwt.Token) (interface{}, error) {
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, jwt.ErrSignatureInvalid
		}
		return secret, nil
	})
}

func ParsePinned(tok string, secret []byte) (*jwt.Token, error) {
	return jwt.Parse(tok, func(t *jwt.Token) (interface{}, error) { return secret, nil }, jwt.WithValidMethods([]string{"HS256"}))
}

func HashPassword(password string) string {
	sum := md5.Sum([]byte(password))
	return hex.EncodeToString(sum[:])
}

func StrongHash(password string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

func Fingerprint(body []byte) [32]byte {
	return sha256.Sum256(body)
}

func GenerateResetToken() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = letters[rand.Intn(len(letters))]
	}
	return string(b)
}

func jitter() int {
	return rand.Intn(100)
}

func Check(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Bearer 9f8e7d6c5b4a"
}

func IsRefresh(tokenType string) bool {
	return tokenType == "refresh_token"
}
"#;
    let f = file("internal/auth/auth.go", src);
    assert_eq!(count(&f, &FactKind::RiskJwtUnverified), vec![19]);
    assert_eq!(count(&f, &FactKind::RiskWeakPasswordHash), vec![38]);
    assert_eq!(count(&f, &FactKind::PasswordSet), vec![38, 43]);
    assert_eq!(count(&f, &FactKind::RiskInsecureRandom), vec![53]);
    assert_eq!(count(&f, &FactKind::RiskHardcodedCredential), vec![14, 63]);
    let secret = f
        .facts
        .iter()
        .find(|x| x.kind == FactKind::RiskHardcodedCredential)
        .and_then(|x| x.secret.clone());
    assert_eq!(secret.as_deref(), Some("Sup3rS3cret!"));
}

#[test]
fn handler_risks() {
    let src = r#"package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.DebugMode)
	r := gin.New()
	r.Run()
}

func createUser(c *gin.Context) {
	if err := svc.Create(); err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
		return
	}
	if err := validate(); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	if err := save(); err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
	}
}

func exportReport(c *gin.Context) {
	// TODO: implement export
	c.Status(http.StatusNotImplemented)
}

func AuthMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
	}
}

func RequireAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("Authorization") == "" {
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		c.Next()
	}
}

func Authorize(user string, action string) bool {
	return true
}

func register(c *gin.Context) {
	var req struct {
		Password string `json:"password" binding:"required,min=12"`
	}
	_ = req
}
"#;
    let f = file("internal/api/api.go", src);
    assert_eq!(count(&f, &FactKind::RiskDebugMode), vec![10]);
    assert_eq!(count(&f, &FactKind::RiskExceptionToClient), vec![17]);
    assert_eq!(count(&f, &FactKind::RiskStub), vec![30, 31]);
    assert_eq!(count(&f, &FactKind::RiskAuthAlwaysAllows), vec![34, 50]);
    assert_eq!(count(&f, &FactKind::HasPasswordPolicy), vec![56]);
}

#[test]
fn clients_and_capabilities() {
    let src = r#"package main

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	slog.SetDefault(logger)
	sentry.Init(sentry.ClientOptions{Dsn: os.Getenv("SENTRY_DSN")})
	tp := sdktrace.NewTracerProvider()
	otel.SetTracerProvider(tp)
	db, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	db.SetMaxOpenConns(20)
	client := &http.Client{Timeout: 5 * time.Second}
	_ = client
	bare := &http.Client{}
	_ = bare
	http.Get("https://example.com")

	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(middleware.Recoverer)
	r.Use(httprate.LimitByIP(100, time.Minute))
	r.Use(cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true}).Handler)
	r.Handle("/metrics", promhttp.Handler())
	srv := &http.Server{Addr: ":8080", Handler: r}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go srv.ListenAndServe()
	<-ctx.Done()
	srv.Shutdown(context.Background())
}
"#;
    let f = file("cmd/api/main.go", src);
    let k = kinds(&f);
    for expected in [
        FactKind::HasStructuredLogging,
        FactKind::ErrorTracking { dsn_from_env: true },
        FactKind::HasTracing,
        FactKind::DbPool { bounded: true },
        FactKind::HttpClientCall { timeout: true },
        FactKind::HttpClientCall { timeout: false },
        FactKind::HasRequestId,
        FactKind::HasRecoveryMiddleware,
        FactKind::HasRateLimiter,
        FactKind::HasGracefulShutdown,
        FactKind::MetricsEndpoint {
            path: "/metrics".into(),
        },
        FactKind::CorsPolicy {
            origins: crate::Value::List(vec!["*".into()]),
            credentials: true,
        },
    ] {
        assert!(k.contains(&expected), "missing {expected:?} in {k:#?}");
    }
    assert_eq!(
        count(&f, &FactKind::HttpClientCall { timeout: false }),
        vec![33, 35]
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 10_000;
    let concat = vec!["\"a\""; depth].join(" + ");
    let parens = format!("{}r{}", "(".repeat(depth), ")".repeat(depth));
    let calls = format!(
        "{}os.Getenv(\"X\"){}",
        "string(".repeat(depth),
        ")".repeat(depth)
    );
    let src = format!(
        "package main\n\nimport (\n\t\"os\"\n\t\"github.com/go-chi/chi/v5\"\n)\n\nvar q = {concat}\nvar v = {calls}\n\nfunc main() {{\n\tr := chi.NewRouter()\n\t{parens}.Post(\"/x\", h)\n\tdb.Query(\"SELECT 1 WHERE x = \" + {concat} + name)\n}}\n"
    );
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || file("main.go", &src).routes.len())
        .expect("spawn");
    handle.join().expect("no stack overflow");
}

#[test]
fn server_wrapper_guards_a_router_returned_by_a_method() {
    let routes = r#"package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

func (app *application) routes() http.Handler {
	r := chi.NewRouter()
	r.Post("/v1/movies", app.createMovie)
	return r
}
"#;
    let server = r#"package main

import (
	"net/http"
	"time"
)

func (app *application) serve() error {
	srv := &http.Server{
		Addr:        ":4000",
		Handler:     app.authenticate(app.routes()),
		IdleTimeout: time.Minute,
	}
	return srv.ListenAndServe()
}
"#;
    let index = linked(&[("cmd/api/routes.go", routes), ("cmd/api/server.go", server)]);
    let r = route(&index, "POST", "/v1/movies");
    assert!(required(r), "{:?}", r.auth);
}

#[test]
fn httprouter_with_wrapped_handlers() {
    let src = r#"package main

import (
	"net/http"

	"github.com/julienschmidt/httprouter"
)

func (app *application) routes() http.Handler {
	router := httprouter.New()
	router.HandlerFunc(http.MethodGet, "/v1/healthcheck", app.healthcheckHandler)
	router.HandlerFunc(http.MethodPost, "/v1/movies", app.requirePermission("movies:write", app.createMovieHandler))
	router.HandlerFunc(http.MethodDelete, "/v1/movies/:id", app.requireActivatedUser(app.deleteMovieHandler))
	router.HandlerFunc(http.MethodPatch, "/v1/movies/:id", app.withTenant(app.updateMovieHandler))
	router.HandlerFunc(http.MethodPost, "/v1/users", app.registerUserHandler)
	return router
}

func (app *application) serve() error {
	return http.ListenAndServe(":4000", app.routes())
}
"#;
    let index = linked(&[("cmd/api/routes.go", src)]);
    let create = route(&index, "POST", "/v1/movies");
    assert!(required(create));
    assert_eq!(create.roles, vec!["movies:write".to_string()]);
    assert_eq!(create.framework, "httprouter");
    assert!(required(route(&index, "DELETE", "/v1/movies/:id")));
    assert!(matches!(
        route(&index, "PATCH", "/v1/movies/:id").auth,
        Auth::Unknown { .. }
    ));
    assert_eq!(route(&index, "POST", "/v1/users").auth, Auth::None);
}

#[test]
fn group_inside_an_uncalled_register_function_is_unknown() {
    let src = r#"package item

import (
	"database/sql"

	"github.com/gin-gonic/gin"
)

func Register(r *gin.RouterGroup, db *sql.DB) {
	g := r.Group("/items")
	g.POST("/close", closeItem(db))
}
"#;
    let index = linked(&[("internal/item/routes.go", src)]);
    assert!(matches!(
        route(&index, "POST", "/items/close").auth,
        Auth::Unknown { .. }
    ));
}

#[test]
fn stub_traps() {
    let src = r#"package storage

import (
	"errors"
	"net/http"
)

// ErrNotImplemented is returned by drivers without snapshot support.
var ErrNotImplemented = errors.New("not implemented")

func (d *Driver) Snapshot() error {
	// simulated latency is configured by the chaos middleware, not here
	return ErrNotImplemented
}

func (d *Driver) Export(w http.ResponseWriter, r *http.Request) error {
	return errors.New("not implemented yet")
}
"#;
    let f = file("internal/storage/driver.go", src);
    assert_eq!(count(&f, &FactKind::RiskStub), vec![17]);
}
