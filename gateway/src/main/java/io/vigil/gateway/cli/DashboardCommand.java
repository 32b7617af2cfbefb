package io.vigil.gateway.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vigil dashboard}: prints the running gateway's dashboard URL with an operator's token in
 * its fragment, which the browser never sends to a server; the page moves it into the tab's session
 * storage and takes it out of the address bar.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Print the dashboard's URL with the local operator's token (or VIGIL_ADMIN_TOKEN's) in"
            + " it, to open in a browser on this machine.")
final class DashboardCommand implements Callable<Integer> {

  @Mixin DataDirOptions data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var config = data.config();
    String token = LocalAdmin.token(config);
    URI url = LocalAdmin.url(config).resolve("/");
    // The URL alone on standard output, so that "$(vigil dashboard)" is the link; the advice on
    // standard error.
    PrintWriter out = spec.commandLine().getOut();
    out.println(url + "#token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII));
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "The link signs in as the operator whose token it carries: the local operator views, holds"
            + " updates and suspends; approving and resuming need an approver's token ("
            + LocalAdmin.TOKEN_VARIABLE
            + "). Keep it to yourself: anyone with it acts as that operator.");
    err.flush();
    return 0;
  }
}
