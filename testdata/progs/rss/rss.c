// rss.c — a few C frames to symbolize over and over.
#include "_cgo_export.h"
#include "rss.h"

static volatile int sink;

__attribute__((noinline)) static void rss_leaf(void) {
	rssCapture(); // Go: records runtime.Callers
	sink++;
}

__attribute__((noinline)) static void rss_middle(void) {
	rss_leaf();
	sink++;
}

void rss_top(void) {
	rss_middle();
	sink++;
}
