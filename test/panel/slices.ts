/**
 * The inbox's tasks, run when a test says so: a test sees each slice (and counts its work), and nothing
 * runs behind its back.
 */
export interface ManualSlices {
  schedule(task: () => void): void;
  /** Runs the tasks waiting, and those they schedule, until none is left; returns how many ran. */
  runAll(): number;
  /** Runs the next task only; false when there was none. */
  runOne(): boolean;
  readonly waiting: number;
}

export function manualSlices(): ManualSlices {
  const tasks: (() => void)[] = [];
  const runOne = (): boolean => {
    const task = tasks.shift();
    task?.();
    return task !== undefined;
  };
  return {
    schedule: (task) => void tasks.push(task),
    runAll() {
      let ran = 0;
      while (runOne()) if (++ran > 1_000_000) throw new Error("the inbox never settles");
      return ran;
    },
    runOne,
    get waiting() {
      return tasks.length;
    },
  };
}
