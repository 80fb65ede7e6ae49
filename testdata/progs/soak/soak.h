extern long soak_callbacks, soak_throws, soak_dlopens, soak_mallocs, soak_iterations;
void soak_start(const char *lib, int callback_threads);
void soak_stop(void);
long soak_spin(long n);
