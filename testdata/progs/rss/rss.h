void rss_top(void);
