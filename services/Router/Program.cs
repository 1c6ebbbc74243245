using Gateway.Router;

return await RouterApp.Build(args).RunGatewayAsync();
