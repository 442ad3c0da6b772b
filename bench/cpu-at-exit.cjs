// Preloaded by bench/run.js (`node -r bench/cpu-at-exit.cjs …`): the process's own CPU time (user + system),
// written at exit to the file named by GATE_BENCH_CPU_FILE. CPU time, unlike wall time, hardly moves when
// other work shares the machine, so start-up figures are compared on it.
const file = process.env.GATE_BENCH_CPU_FILE;
if (file)
  process.once('exit', () => {
    const { user, system } = process.cpuUsage();
    require('node:fs').writeFileSync(file, String((user + system) / 1000));
  });
