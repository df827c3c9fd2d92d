/** A tiny typed event emitter: `on` returns the function that removes the listener. */
export class Emitter<E> {
  private readonly listeners = new Map<keyof E, Set<(event: never) => void>>();

  on<K extends keyof E>(name: K, listener: (event: E[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  emit<K extends keyof E>(name: K, event: E[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      (listener as (event: E[K]) => void)(event);
    }
  }
}
