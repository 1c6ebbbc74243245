using Gateway.Ingress;

return await IngressApp.Build(args).RunGatewayAsync();
