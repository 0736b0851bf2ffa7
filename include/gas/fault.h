/* fault: named fault-injection points for crash-safety tests.
 *
 * GAS_FAULT="name[,name...]" makes the process kill itself with SIGKILL when it reaches a
 * point of that name (as a power cut or kill -9 would); "name:sleep=N" pauses there for N
 * seconds instead (to let a test act in the middle of an operation); "name:fail=N" makes
 * fault_fail say so N times. Without GAS_FAULT a
 * point costs one pointer check. Points are named "<pipeline>.<where>", e.g.
 * "archive.after_upload"; tests/system lists the ones it uses. */
#ifndef GAS_FAULT_H
#define GAS_FAULT_H

void fault_point(const char *name);
/* "name:fail=N": 1 for the first N times this process reaches the point (the caller then
 * fails as a throttled or unreachable service would), else 0. */
int fault_fail(const char *name);

#endif
