package dev.genapi.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Turns the changes of a Hazelcast map of strings into two callbacks: an entry was put (added or updated), or an
 * entry is gone (removed, evicted or expired). Callbacks run on Hazelcast event threads, in order per key.
 */
public final class MapChangeListener implements EntryAddedListener<String, String>,
  EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>,
  EntryEvictedListener<String, String>, EntryExpiredListener<String, String> {

  private final BiConsumer<String, String> onPut;
  private final Consumer<String> onGone;

  /**
   * @param onPut called with key and new value
   * @param onGone called with the key of an entry that is gone
   */
  public MapChangeListener(BiConsumer<String, String> onPut, Consumer<String> onGone) {
    this.onPut = onPut;
    this.onGone = onGone;
  }

  @Override
  public void entryAdded(EntryEvent<String, String> event) {
    onPut.accept(event.getKey(), event.getValue());
  }

  @Override
  public void entryUpdated(EntryEvent<String, String> event) {
    onPut.accept(event.getKey(), event.getValue());
  }

  @Override
  public void entryRemoved(EntryEvent<String, String> event) {
    onGone.accept(event.getKey());
  }

  @Override
  public void entryEvicted(EntryEvent<String, String> event) {
    onGone.accept(event.getKey());
  }

  @Override
  public void entryExpired(EntryEvent<String, String> event) {
    onGone.accept(event.getKey());
  }
}
