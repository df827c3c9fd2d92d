package dev.genapi.gateway;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address of a client as the {@code ip_address} rate-limit key sees it: the TCP peer, unless the peer is one of
 * the {@code trusted_proxies}, in which case the nearest address in {@code X-Forwarded-For} (or {@code Forwarded})
 * that is not a trusted proxy. Headers from any other peer are ignored, so a client cannot choose its own key.
 */
final class ClientAddresses {

  private final List<IpSubnetFilterRule> trusted = new ArrayList<>();

  /** @param proxies CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}) or single addresses */
  ClientAddresses(List<String> proxies) {
    for (String proxy : proxies) {
      int slash = proxy.indexOf('/');
      String ip = slash < 0 ? proxy : proxy.substring(0, slash);
      InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
      if (address == null) {
        throw new IllegalArgumentException("trusted_proxies: " + proxy + " (expected: an IP address or a CIDR)");
      }
      int bits = address.getAddress().length * 8;
      int prefix = slash < 0 ? bits : Integer.parseInt(proxy.substring(slash + 1));
      trusted.add(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
    }
  }

  /** @return whether the address belongs to a trusted proxy */
  boolean trusted(String ip) {
    if (trusted.isEmpty() || ip == null) {
      return false;
    }
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
    if (address == null) {
      return false;
    }
    InetSocketAddress socket = new InetSocketAddress(address, 0);
    return trusted.stream().anyMatch(rule -> rule.matches(socket));
  }

  /**
   * @param peer the TCP peer, or {@code null}
   * @param headers the request's headers
   * @return the client's address, or {@code null} when unknown
   */
  String clientOf(SocketAddress peer, MultiMap headers) {
    String ip = peer == null ? null : peer.hostAddress();
    if (!trusted(ip)) {
      return ip;
    }
    List<String> hops = forwardedHops(headers);
    for (int i = hops.size() - 1; i >= 0; i--) {
      if (!trusted(hops.get(i))) {
        return hops.get(i);
      }
    }
    return hops.isEmpty() ? ip : hops.get(0);
  }

  // the addresses the proxies recorded, client first; anything that is not an IP literal is left out
  private static List<String> forwardedHops(MultiMap headers) {
    List<String> hops = new ArrayList<>(2);
    for (String header : headers.getAll("X-Forwarded-For")) {
      for (String hop : header.split(",")) {
        addHop(hops, hop.trim());
      }
    }
    if (hops.isEmpty()) {
      for (String header : headers.getAll("Forwarded")) {
        for (String element : header.split("[,;]")) {
          String pair = element.trim();
          if (pair.regionMatches(true, 0, "for=", 0, 4)) {
            addHop(hops, hostOf(pair.substring(4).replace("\"", "")));
          }
        }
      }
    }
    return hops;
  }

  private static String hostOf(String node) {
    if (node.startsWith("[")) {
      int end = node.indexOf(']');
      return end < 0 ? node : node.substring(1, end);
    }
    int colon = node.indexOf(':');
    return colon >= 0 && node.indexOf(':', colon + 1) < 0 ? node.substring(0, colon) : node;
  }

  private static void addHop(List<String> hops, String hop) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(hop);
    if (address != null) {
      hops.add(address.getHostAddress());
    }
  }
}
