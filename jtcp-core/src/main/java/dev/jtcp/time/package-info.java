/**
 * Time as a parameter: nanosecond instants handed in by a driver, conversions to the units TCP uses,
 * {@link dev.jtcp.time.Deadline#NONE}, and the seeded {@link dev.jtcp.time.Rng}. Depends on nothing;
 * nothing here reads a clock.
 */
package dev.jtcp.time;
