console.debug("lifeguard background");
