// A Go net/http service for the integration tests: health, a page, an API route, a handler that panics
// (net/http recovers it and closes the connection without an answer) and the mux's own 404 for the rest.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/api/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"items":[]}`)
	})
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		var orders map[string]int
		orders["today"]++ // a nil map: the panic a forgotten make() gives
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>shop</title><h1>shop</h1>")
	})
	log.SetFlags(0)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
