// A C++ frame between C frames, for demangling: offline::Runner::run(int).
extern "C" void offline_middle(int mode);
extern "C" volatile int offline_sink;

namespace offline {
class Runner {
public:
	__attribute__((noinline, noipa)) void run(int mode);
};

void Runner::run(int mode) {
	offline_middle(mode); /* MARK:run_calls_middle */
	offline_sink++;
}
} // namespace offline

extern "C" __attribute__((noinline, noipa)) void offline_run(int mode) {
	offline::Runner r;
	r.run(mode); /* MARK:offline_run_calls_run */
	offline_sink++;
}
