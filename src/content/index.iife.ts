console.debug("lifeguard relay");
