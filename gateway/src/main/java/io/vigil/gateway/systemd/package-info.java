/**
 * The gateway's side of systemd: readiness and stopping ({@link io.vigil.gateway.systemd.Notifier},
 * sd_notify), a watchdog fed only while the gateway is healthy ({@link
 * io.vigil.gateway.systemd.Watchdog}), and log records sent to the journal with their fields
 * ({@link io.vigil.gateway.systemd.JournalHandler}, {@link io.vigil.gateway.systemd.LogFields}).
 *
 * <p>Both protocols are Unix datagrams, which the JDK 17 cannot send: they go through Netty's epoll
 * transport ({@code Datagrams}). Outside systemd, or where epoll is unavailable, nothing here does
 * anything. This package uses no other package of the gateway, so that every one of them may tag
 * its log records with {@link io.vigil.gateway.systemd.LogFields}.
 */
package io.vigil.gateway.systemd;
