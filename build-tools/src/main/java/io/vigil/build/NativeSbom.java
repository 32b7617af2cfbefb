package io.vigil.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.generators.json.BomJsonGenerator;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.OrganizationalEntity;
import org.cyclonedx.model.Property;
import org.cyclonedx.parsers.JsonParser;

/**
 * Completes the CycloneDX SBOM of one package with the native libraries it ships: the Maven plugin
 * lists the ONNX Runtime, SQLite JDBC and Netty jars, not the shared objects taken out of them into
 * {@code /usr/lib/vigil}, nor what those link statically. Each native becomes a component nested
 * under the jar it came from, with the SHA-256 of the very file the package installs. So does each
 * third-party file a jar of ours carries as a resource ({@code bundled}: the dashboard's uPlot),
 * with the SHA-256 that the spec gives and the module's tests check. The result is validated
 * against the CycloneDX 1.6 schema before it is written.
 *
 * <p>Usage: {@code NativeSbom BOM SPEC NATIVES_DIR ARCH OUT}. The build fails when a native in
 * {@code NATIVES_DIR} is not in {@code SPEC}, when one in {@code SPEC} is missing, when its jar is
 * not in the BOM, or when the result is not a valid SBOM.
 */
public final class NativeSbom {

  static final Version SCHEMA = Version.VERSION_16;

  private NativeSbom() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: NativeSbom BOM SPEC NATIVES_DIR ARCH OUT");
    }
    Bom bom = new JsonParser().parse(Path.of(args[0]).toFile());
    JsonNode spec = new ObjectMapper().readTree(Path.of(args[1]).toFile());
    complete(bom, spec, Path.of(args[2]), args[3]);
    String json = write(bom);
    Path out = Path.of(args[4]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json, StandardCharsets.UTF_8);
    System.out.printf(
        "SBOM %s: %d components (%s), CycloneDX %s, valid%n",
        out.getFileName(), count(bom.getComponents()), args[3], SCHEMA.getVersionString());
  }

  /**
   * Adds the natives of {@code arch} found in {@code nativesDir}, as {@code spec} describes them.
   */
  static void complete(Bom bom, JsonNode spec, Path nativesDir, String arch) throws IOException {
    String installDir = spec.path("install_dir").asText("/usr/lib/vigil");
    Set<String> described = new TreeSet<>();
    for (JsonNode n : spec.path("natives")) {
      String file = n.path("files").path(arch).asText("");
      if (file.isEmpty()) {
        throw new IllegalStateException(n.path("name").asText() + " names no file for " + arch);
      }
      described.add(file);
      Path so = nativesDir.resolve(file);
      if (!Files.isRegularFile(so)) {
        throw new IllegalStateException(so + " is described in the SBOM spec but was not built");
      }
      JsonNode inJar = n.path("in_jar");
      if (inJar.isObject()) {
        // Jars that carry one platform's native only: this package ships none of the others.
        inJar
            .properties()
            .forEach(
                e -> {
                  if (!e.getKey().equals(arch)) {
                    removeByPurlPrefix(bom, e.getValue().asText());
                  }
                });
        inJar = inJar.path(arch);
      }
      Component jar = findByPurlPrefix(bom.getComponents(), inJar.asText());
      Component lib = component(n);
      lib.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, sha256(so))));
      lib.addProperty(property("vigil:installed-path", installDir + "/" + file));
      lib.addProperty(property("vigil:architecture", arch));
      for (JsonNode s : n.path("static")) {
        Component inside = component(s);
        inside.addProperty(property("vigil:linkage", "static, inside " + file));
        lib.addComponent(inside);
      }
      jar.addComponent(lib);
    }
    try (Stream<Path> files = Files.list(nativesDir)) {
      List<String> unlisted =
          files
              .map(p -> p.getFileName().toString())
              .filter(f -> !described.contains(f))
              .sorted()
              .toList();
      if (!unlisted.isEmpty()) {
        throw new IllegalStateException(
            "natives shipped but not described in the SBOM spec: " + unlisted);
      }
    }
    for (JsonNode b : spec.path("bundled")) {
      Component jar = findByPurlPrefix(bom.getComponents(), required(b, "in_jar"));
      Component file = component(b);
      String sha256 = required(b, "sha256");
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalStateException(
            "SBOM spec entry " + b.path("name").asText() + ": sha256 must be 64 hex digits");
      }
      file.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, sha256)));
      file.addProperty(property("vigil:resource-path", required(b, "resource")));
      jar.addComponent(file);
    }
    if (bom.getMetadata() != null && bom.getMetadata().getComponent() != null) {
      Component self = bom.getMetadata().getComponent();
      self.setName("vigil");
      self.addProperty(property("vigil:architecture", arch));
    }
  }

  /** The SBOM as JSON, refused unless it validates against the schema. */
  static String write(Bom bom) throws IOException, GeneratorException {
    String json = new BomJsonGenerator(bom, SCHEMA).toJsonString();
    List<ParseException> errors = new JsonParser().validate(json, SCHEMA);
    if (!errors.isEmpty()) {
      throw new IllegalStateException("the SBOM is not valid CycloneDX: " + errors);
    }
    return json;
  }

  /** Components in the tree, nested ones included. */
  static int count(List<Component> components) {
    if (components == null) {
      return 0;
    }
    int n = 0;
    for (Component c : components) {
      n += 1 + count(c.getComponents());
    }
    return n;
  }

  private static Component component(JsonNode n) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setName(required(n, "name"));
    if (n.hasNonNull("version")) {
      c.setVersion(n.get("version").asText());
    }
    c.setPurl(required(n, "purl"));
    c.setBomRef(c.getPurl() + (n.hasNonNull("files") || n.hasNonNull("resource") ? "" : "#static"));
    if (n.hasNonNull("cpe")) {
      c.setCpe(n.get("cpe").asText());
    }
    if (n.hasNonNull("supplier")) {
      OrganizationalEntity supplier = new OrganizationalEntity();
      supplier.setName(n.get("supplier").asText());
      c.setSupplier(supplier);
    }
    if (n.hasNonNull("description")) {
      c.setDescription(n.get("description").asText());
    }
    License license = new License();
    license.setId(required(n, "license"));
    LicenseChoice choice = new LicenseChoice();
    choice.addLicense(license);
    c.setLicenses(choice);
    return c;
  }

  private static Component findByPurlPrefix(List<Component> components, String prefix) {
    List<Component> matches = new ArrayList<>();
    for (Component c : components == null ? List.<Component>of() : components) {
      if (c.getPurl() != null && c.getPurl().startsWith(prefix)) {
        matches.add(c);
      }
    }
    if (matches.size() != 1) {
      throw new IllegalStateException(
          "expected one component in the BOM whose purl starts with "
              + prefix
              + ", found "
              + matches.size());
    }
    return matches.get(0);
  }

  /** Removes the components whose purl starts with {@code prefix}, and every edge to them. */
  private static void removeByPurlPrefix(Bom bom, String prefix) {
    Set<String> removed = new TreeSet<>();
    bom.getComponents()
        .removeIf(
            c -> {
              boolean match = c.getPurl() != null && c.getPurl().startsWith(prefix);
              if (match) {
                removed.add(c.getBomRef());
              }
              return match;
            });
    if (bom.getDependencies() != null) {
      bom.getDependencies().removeIf(d -> removed.contains(d.getRef()));
      for (Dependency d : bom.getDependencies()) {
        if (d.getDependencies() != null) {
          d.getDependencies().removeIf(child -> removed.contains(child.getRef()));
        }
      }
    }
  }

  private static String required(JsonNode n, String field) {
    String v = n.path(field).asText("");
    if (v.isEmpty()) {
      throw new IllegalStateException("SBOM spec entry " + n + " has no '" + field + "'");
    }
    return v;
  }

  private static Property property(String name, String value) {
    Property p = new Property();
    p.setName(name);
    p.setValue(value);
    return p;
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
