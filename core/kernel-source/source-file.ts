// One kernel source file as readable pseudo-source: the functions of it the model traces, keyed
// by function name, in the kernel's own structure (names, the order of the steps), shortened.
// A line that makes a traced call, changes traced state or logs ends with markers: `@@callee`,
// `@@state:name`, `@@fault:name`, `@@log`; the debugger highlights that line when the step is
// there. What the model does not trace is left as the kernel writes it or summarised in a comment.

export interface KernelSourceFile {
  /**
   * Where the functions live in the kernel tree ("kernel/irq/msi.c"), or what stands in for a
   * file: "(hardware) ..." for the device side, a patch series that no release carries.
   */
  file: string;
  /** Function name -> its text, markers included. */
  functions: Record<string, string>;
}
