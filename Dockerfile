# One image per service: docker build --build-arg SERVICE=Ingress -t gateway-ingress .
# SERVICE is Ingress, Router or Replay.
ARG SERVICE=Ingress

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN dotnet publish services/${SERVICE}/Gateway.${SERVICE}.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
ENV SERVICE_DLL=Gateway.${SERVICE}.dll \
    ASPNETCORE_URLS=http://+:8080 \
    DOTNET_gcServer=1
WORKDIR /app
COPY --from=build /app .
USER app
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_DLL\""]
