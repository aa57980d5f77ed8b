// A libFuzzer engine for a .NET harness that calls SharpFuzz's Fuzzer.LibFuzzer.Run.
//
// libFuzzer runs in this process; the harness runs in a child `dotnet HARNESS.dll NAME` that stays up
// for the whole run. They share one System V segment: the first 64 KiB are the edge counters that the
// SharpFuzz-instrumented assemblies bump, the rest holds the current input. Per input this process
// writes the input's length (int32) on the control pipe and reads a status (int32, 0 = no exception)
// from the status pipe; the child's counters are then copied into libFuzzer's extra counters, so
// libFuzzer steers by the managed code's coverage. A non-zero status, or a child that died, aborts:
// libFuzzer then saves the input as crash-*.
//
// The child is named by two environment variables: FUZZ_HARNESS_DLL (the instrumented harness
// assembly) and FUZZ_HARNESS (the harness name, passed as its argument). Build:
//   clang -O2 -fsanitize=fuzzer sharpfuzz-driver.c -o sharpfuzz-driver
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define COUNTERS_SIZE (1 << 16)
#define INPUT_CAPACITY (1 << 20)

__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t managed_counters[COUNTERS_SIZE];

static int segment_id = -1;
static uint8_t *segment;
static int control_fd = -1;
static int status_fd = -1;
static pid_t harness_pid = -1;

static void fail(const char *what)
{
	fprintf(stderr, "sharpfuzz-driver: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void remove_segment(void)
{
	if (segment_id >= 0)
	{
		shmctl(segment_id, IPC_RMID, NULL);
	}
}

static void stop_harness(void)
{
	if (harness_pid > 0)
	{
		kill(harness_pid, SIGKILL);
		waitpid(harness_pid, NULL, 0);
		harness_pid = -1;
	}
}

// Moves exactly size bytes through fd (a pipe), reading or writing; -1 when the other side has gone.
static int transfer(int fd, void *buffer, size_t size, int writing)
{
	uint8_t *at = buffer;
	while (size > 0)
	{
		ssize_t n = writing ? write(fd, at, size) : read(fd, at, size);
		if (n < 0 && errno == EINTR)
		{
			continue;
		}
		if (n <= 0)
		{
			return -1;
		}
		at += n;
		size -= (size_t)n;
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dll = getenv("FUZZ_HARNESS_DLL");
	const char *harness = getenv("FUZZ_HARNESS");
	if (!dll || !harness)
	{
		fprintf(stderr, "sharpfuzz-driver: set FUZZ_HARNESS_DLL and FUZZ_HARNESS\n");
		exit(1);
	}

	segment_id = shmget(IPC_PRIVATE, COUNTERS_SIZE + INPUT_CAPACITY, IPC_CREAT | IPC_EXCL | 0600);
	if (segment_id < 0)
	{
		fail("shmget");
	}
	atexit(remove_segment);
	segment = shmat(segment_id, NULL, 0);
	if (segment == (void *)-1)
	{
		fail("shmat");
	}

	int control[2], status[2];
	if (pipe(control) != 0 || pipe(status) != 0)
	{
		fail("pipe");
	}

	harness_pid = fork();
	if (harness_pid < 0)
	{
		fail("fork");
	}
	if (harness_pid == 0)
	{
		char number[32];
		snprintf(number, sizeof number, "%d", segment_id);
		setenv("__LIBFUZZER_SHM_ID", number, 1);
		snprintf(number, sizeof number, "%d", control[0]);
		setenv("__LIBFUZZER_CONTROL_PIPE_ID", number, 1);
		snprintf(number, sizeof number, "%d", status[1]);
		setenv("__LIBFUZZER_STATUS_PIPE_ID", number, 1);
		close(control[1]);
		close(status[0]);
		execlp("dotnet", "dotnet", dll, harness, (char *)NULL);
		fail("exec dotnet");
	}

	atexit(stop_harness);
	close(control[0]);
	close(status[1]);
	control_fd = control[1];
	status_fd = status[0];

	// The harness says it is ready with a first status.
	int32_t ready;
	if (transfer(status_fd, &ready, sizeof ready, 0) != 0)
	{
		fprintf(stderr, "sharpfuzz-driver: the harness exited before it was ready\n");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > INPUT_CAPACITY)
	{
		size = INPUT_CAPACITY;
	}

	memset(segment, 0, COUNTERS_SIZE);
	memcpy(segment + COUNTERS_SIZE, data, size);
	int32_t length = (int32_t)size;
	int32_t status;
	if (transfer(control_fd, &length, sizeof length, 1) != 0 || transfer(status_fd, &status, sizeof status, 0) != 0)
	{
		fprintf(stderr, "sharpfuzz-driver: the harness died on this input\n");
		harness_pid = -1;
		abort();
	}
	if (status != 0)
	{
		// The harness printed the exception on its stderr; abort so libFuzzer keeps the input.
		stop_harness();
		abort();
	}

	memcpy(managed_counters, segment, COUNTERS_SIZE);
	return 0;
}
