#ifndef REQUEST_H
#define REQUEST_H

// Handles a request of n bytes; writes through a NULL buffer when n is 0.
int handle_request(int n);

// Fills the first bytes of buf, a request of n bytes.
void fill_header(char *buf, int n);

#endif
