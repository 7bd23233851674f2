package main

import "github.com/zonemirror/zonemirror/plugins"

func main() { plugins.Serve(Open) }
