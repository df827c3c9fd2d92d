package dev.genapi.dispatch;

/**
 * Whether the client connection of a call takes frames: the pipeline grants a stream's node more chunks only once
 * it does, so a stream goes at the pace of its reader.
 */
@FunctionalInterface
public interface Writability {

  /** A connection that always takes frames. */
  Writability ALWAYS = Runnable::run;

  /**
   * Runs the action (on the connection's context) once the connection takes frames: at once when it does now, later
   * when it has drained, never when it closes first.
   */
  void whenWritable(Runnable action);
}
