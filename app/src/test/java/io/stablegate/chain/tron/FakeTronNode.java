package io.stablegate.chain.tron;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.tron.trident.api.GrpcAPI;
import org.tron.trident.api.WalletGrpc;
import org.tron.trident.proto.Contract;
import org.tron.trident.proto.Response;

/**
 * A Tron full node as trident sees it: a real gRPC server on a free loopback port serving the
 * calls the watcher makes, from a {@link FakeTronChain} that the test drives. Several nodes may
 * serve the same chain, to test failover.
 */
public final class FakeTronNode implements AutoCloseable {
  private static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("TRON-PRO-API-KEY", Metadata.ASCII_STRING_MARSHALLER);

  private final FakeTronChain chain;
  private final Server server;
  private final Set<String> apiKeysSeen = ConcurrentHashMap.newKeySet();

  public FakeTronNode(FakeTronChain chain) throws IOException {
    this.chain = chain;
    ServerInterceptor recordKey = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        Optional.ofNullable(headers.get(API_KEY)).ifPresent(apiKeysSeen::add);
        return next.startCall(call, headers);
      }
    };
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new Service(), recordKey))
        .build()
        .start();
  }

  /** {@code host:port}, as STABLEGATE_TRON_GRPC_ENDPOINTS lists it. */
  public String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  public Set<String> apiKeysSeen() {
    return Set.copyOf(apiKeysSeen);
  }

  /** The node dies: its port stops answering. */
  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Service extends WalletGrpc.WalletImplBase {
    @Override
    public void getNowBlock2(GrpcAPI.EmptyMessage request, StreamObserver<Response.BlockExtention> reply) {
      answer(reply, chain.head().map(FakeTronChain.Block::extention).orElse(Response.BlockExtention.getDefaultInstance()));
    }

    @Override
    public void getBlockByNum2(GrpcAPI.NumberMessage request, StreamObserver<Response.BlockExtention> reply) {
      // Like java-tron: a block it does not have is an empty message, not an error.
      answer(reply, chain.block(request.getNum()).map(FakeTronChain.Block::extention)
          .orElse(Response.BlockExtention.getDefaultInstance()));
    }

    @Override
    public void getTransactionInfoByBlockNum(GrpcAPI.NumberMessage request,
        StreamObserver<Response.TransactionInfoList> reply) {
      Response.TransactionInfoList.Builder list = Response.TransactionInfoList.newBuilder();
      chain.block(request.getNum()).ifPresent(b -> list.addAllTransactionInfo(b.infos()));
      answer(reply, list.build());
    }

    @Override
    public void getTransactionInfoById(GrpcAPI.BytesMessage request, StreamObserver<Response.TransactionInfo> reply) {
      // Like java-tron: an unknown transaction is an empty message.
      answer(reply, chain.transactionInfo(request.getValue()).orElse(Response.TransactionInfo.getDefaultInstance()));
    }

    @Override
    public void triggerConstantContract(Contract.TriggerSmartContract request,
        StreamObserver<Response.TransactionExtention> reply) {
      Response.TransactionExtention.Builder result = Response.TransactionExtention.newBuilder()
          .setResult(Response.TransactionReturn.newBuilder().setResult(true));
      if (request.getContractAddress().equals(ByteString.copyFrom(chain.usdt().toBytes21()))
          && request.getData().equals(ByteString.fromHex("313ce567"))) {
        result.addConstantResult(FakeTronChain.uint256(BigInteger.valueOf(chain.decimals())));
      }
      answer(reply, result.build());
    }

    private <T> void answer(StreamObserver<T> reply, T value) {
      reply.onNext(value);
      reply.onCompleted();
    }
  }

}
