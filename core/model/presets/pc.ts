// The PC platform's interrupt users, in the order Linux requests their irqs: the timer at IOAPIC
// setup, the ACPI SCI at ACPI init, i8042 (AUX port before KBD), the RTC, and the serial console
// when it is opened.
export const PC_PLATFORM_IRQS = [
  { irq: 0, name: 'timer' },
  { irq: 9, name: 'acpi' },
  { irq: 12, name: 'i8042' },
  { irq: 1, name: 'i8042' },
  { irq: 8, name: 'rtc0' },
  { irq: 4, name: 'ttyS0' },
];
