import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kestra.core.docs.JsonSchemaGenerator;
import io.kestra.core.models.flows.Flow;
import io.kestra.core.models.flows.FlowSource;
import io.kestra.core.plugins.PluginRegistry;
import io.kestra.core.serializers.JacksonMapper;
import io.kestra.core.services.FlowService;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.RuntimeBeanDefinition;
import io.micronaut.core.type.Argument;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kestra's own flow validation, from the released io.kestra:core jar, answering on loopback: the tests' judge of
 * what a Kestra of that release accepts (docs/kestra.md, "The released core, run").
 *
 * It starts Kestra's Micronaut context from the jar alone. The beans that a server takes from its other modules
 * (repositories, queues, storage, the worker) are empty stand-ins: validation reads none of them but the flow
 * repository's last revision, which is none here, as for a flow the server does not hold yet.
 *
 * POST /api/v1[/{tenant}]/flows/validate  a YAML body split as the webserver splits it; Kestra's answer as JSON
 * POST /known-types                       type names, one a line; those the core's plugin registry resolves
 * GET  /flow-schema                        the JSON schema of a flow with every core plugin, as the server's
 *                                          GET /api/v1/plugins/schemas/flow makes it (`npm run schemas`)
 *
 * Prints "listening <port>" once it answers. Run: java -cp <the pom's classpath> CoreValidation.java
 */
public class CoreValidation {
  private static final Pattern VALIDATE = Pattern.compile("^/api/v1(?:/[^/]+)?/flows/validate$");

  /** The beans a server's other modules provide, as the core 2.0.0 context asks for them. */
  private static final String[] STAND_INS = {
    "io.kestra.core.repositories.FlowRepositoryInterface",
    "io.kestra.core.repositories.FlowTopologyRepositoryInterface",
    "io.kestra.core.repositories.TaskOutputRepositoryInterface",
    "io.kestra.core.repositories.ExecutionOutputRepositoryInterface",
    "io.kestra.core.repositories.ConcurrencyLimitRepositoryInterface",
    "io.kestra.core.repositories.KvMetadataRepositoryInterface",
    "io.kestra.core.repositories.NamespaceFileMetadataRepositoryInterface",
    "io.kestra.core.runners.Worker",
    "io.kestra.core.runners.LogEntryEmitter",
    "io.kestra.core.runners.KVMetadataStateStore",
    "io.kestra.core.namespace.NamespaceFileMetadataStateStore",
    "io.kestra.core.storages.StorageInterface",
    "io.kestra.core.queues.BroadcastQueueInterface<io.kestra.core.models.flows.FlowInterface>",
    "io.kestra.core.queues.VNodeDispatchQueueInterface<io.kestra.core.scheduler.events.TriggerEvent>"
  };

  public static void main(String[] args) {
    try {
      serve();
    } catch (Throwable error) {
      error.printStackTrace();
      // Kestra's context keeps non-daemon threads (JVM metrics): only an exit ends the process.
      System.exit(1);
    }
  }

  private static void serve() throws Exception {
    ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).build();
    for (String name : STAND_INS) {
      Optional<Argument<Object>> type = typeOf(name);
      if (type.isEmpty()) continue; // not in this release
      Object standIn = standIn(type.get().getType());
      context.registerBeanDefinition(RuntimeBeanDefinition.builder(type.get(), () -> standIn).singleton(true).build());
    }
    context.start();
    FlowService flows = context.getBean(FlowService.class);
    PluginRegistry plugins = context.getBean(PluginRegistry.class);

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (exchange.getRequestMethod().equals("POST") && VALIDATE.matcher(path).matches()) {
          List<FlowSource> sources = new ArrayList<>();
          // FlowController's split of a YAML body (a line starting with --- starts a new document).
          for (String source : body.split("\\n+---\\n*?")) sources.add(new FlowSource(null, source));
          reply(exchange, 200, JacksonMapper.ofJson().writeValueAsString(flows.validate(null, sources)));
        } else if (exchange.getRequestMethod().equals("POST") && path.equals("/known-types")) {
          List<String> known = new ArrayList<>();
          for (String type : body.split("\n")) {
            if (!type.isBlank() && resolves(plugins, type.trim())) known.add(type.trim());
          }
          reply(exchange, 200, JacksonMapper.ofJson().writeValueAsString(known));
        } else if (exchange.getRequestMethod().equals("GET") && path.equals("/flow-schema")) {
          // PluginController → JsonSchemaCache.getSchemaForType(FLOW, false) → this call, on 1.3.31 and 2.0.0.
          JsonSchemaGenerator generator = context.getBean(JsonSchemaGenerator.class);
          reply(exchange, 200, JacksonMapper.ofJson().writeValueAsString(generator.schemas(Flow.class, false)));
        } else {
          reply(exchange, 404, "{\"message\":\"not found\"}");
        }
      } catch (Exception error) {
        error.printStackTrace();
      }
    });
    server.start();
    System.out.println("listening " + server.getAddress().getPort());
    System.out.flush();
  }

  private static boolean resolves(PluginRegistry plugins, String type) {
    try {
      return plugins.findClassByIdentifier(type) != null;
    } catch (RuntimeException error) {
      return false;
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Argument<Object>> typeOf(String name) throws ClassNotFoundException {
    Matcher generic = Pattern.compile("^([^<]+)(?:<(.+)>)?$").matcher(name);
    if (!generic.matches()) throw new IllegalArgumentException(name);
    Class<Object> raw;
    try {
      raw = (Class<Object>) Class.forName(generic.group(1));
    } catch (ClassNotFoundException missing) {
      return Optional.empty();
    }
    if (generic.group(2) == null) return Optional.of(Argument.of(raw));
    String[] names = generic.group(2).split(",");
    Class<?>[] parameters = new Class<?>[names.length];
    for (int i = 0; i < names.length; i++) parameters[i] = Class.forName(names[i].trim());
    return Optional.of(Argument.of(raw, parameters));
  }

  /** An object of the interface whose every method answers nothing: empty, false, zero, or a stand-in. */
  private static Object standIn(Class<?> type) {
    return Proxy.newProxyInstance(CoreValidation.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      switch (method.getName()) {
        case "toString":
          return "stand-in " + type.getSimpleName();
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          break;
      }
      Class<?> result = method.getReturnType();
      if (result == Optional.class) return Optional.empty();
      if (result == List.class) return List.of();
      if (result == boolean.class) return false;
      if (result == int.class) return 0;
      if (result == long.class) return 0L;
      if (result.isInterface() && result.getName().startsWith("io.kestra.")) return standIn(result);
      return null;
    });
  }
}
