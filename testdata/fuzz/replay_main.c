// replay_main.c — runs fuzz_elf.c's target over files and directories
// given as arguments, without libFuzzer: the regression replay of the
// seeds and the corpus that `make test` runs (replay.sh), built with gcc
// and the sanitizers, or plain for valgrind.

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int verbose;

static int run_file(const char *path) {
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (buf == NULL) {
		return -1;
	}
	if (verbose) {
		fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv) {
	LLVMFuzzerInitialize(&argc, &argv);
	verbose = getenv("REPLAY_VERBOSE") != NULL;
	int count = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]) != 0;
			count++;
			continue;
		}
		struct dirent **ents;
		int n = scandir(argv[i], &ents, NULL, by_name);
		for (int k = 0; k < n; k++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], ents[k]->d_name);
			if (ents[k]->d_name[0] != '.' && strcmp(ents[k]->d_name, "README.md") != 0 &&
			    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				bad += run_file(path) != 0;
				count++;
			}
			free(ents[k]);
		}
		free(ents);
	}
	printf("replayed %d inputs, %d unreadable\n", count, bad);
	return bad != 0;
}
