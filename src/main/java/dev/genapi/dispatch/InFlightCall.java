package dev.genapi.dispatch;

/**
 * A call that has not finished yet, as a transport holds it to cancel it.
 */
public interface InFlightCall {

  /**
   * Ends the call with a {@code CANCELLED} frame and tells the service node; a no-op when the call is over.
   */
  void cancel();

  /**
   * Ends the call without a frame (the client is gone) and tells the service node.
   */
  void abandon();
}
