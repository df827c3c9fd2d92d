package dev.genapi.cluster;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * Mutual TLS on the clustered event bus, from the PEM files named in {@link ClusterOptions}: each member presents its
 * certificate, accepts a connection only from a peer whose certificate chains to the CA, and, connecting, accepts
 * only a peer whose certificate chains to the CA, on the {@link TlsEngines#preferred() preferred engine}.
 *
 * <p>Vert.x's event-bus client does not verify host names (it cannot be turned on), so any certificate the CA signed
 * is accepted as any member: the CA must sign cluster members only. The certificates still carry the members'
 * addresses as SANs, so that the same files serve should host-name checks become possible.
 */
final class EventBusTls {

  private EventBusTls() {
  }

  /**
   * Turns TLS on in the event-bus options when the cluster options configure it.
   *
   * @param cluster the cluster options
   * @param eventBus the event-bus options, changed in place
   * @throws IllegalArgumentException when only some TLS settings are given or a file cannot be read
   */
  static void configure(ClusterOptions cluster, EventBusOptions eventBus) {
    cluster.checkTls();
    if (!cluster.isTls()) {
      return;
    }
    eventBus.setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cluster.getTlsCert()).setKeyPath(cluster.getTlsKey()))
      .setTrustOptions(new PemTrustOptions().addCertPath(cluster.getTlsCa()))
      .setTrustAll(false)
      .setClientAuth(ClientAuth.REQUIRED)
      .setSslEngineOptions(TlsEngines.preferred());
  }
}
